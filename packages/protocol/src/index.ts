export * from './crc32c.ts';
export * from './errors.ts';
export * from './frames.ts';
export * from './http.ts';
export * from './partitioner.ts';
export * from './record-batch.ts';
export * from './varint.ts';
