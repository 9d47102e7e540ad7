export * from './crc32c.ts';
export * from './errors.ts';
export * from './record-batch.ts';
export * from './varint.ts';
