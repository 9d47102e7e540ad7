import { type BatchHeader, batchSizeAt, readBatchHeader, syError } from '@switchyard/protocol';

/**
 * Headers of batches the caller already verified (`append(…, { verified: true })`): only the
 * framing is walked, no CRC and no record walk, which is most of an append's CPU (DESIGN.md §7).
 */
export function trustedHeaders(buf: Buffer): BatchHeader[] {
  const headers: BatchHeader[] = [];
  let pos = 0;
  if (buf.length === 0) throw syError('SY_ERR_BATCH_CORRUPT', { reason: 'the body is empty' });
  while (pos < buf.length) {
    const size = batchSizeAt(buf, pos);
    if (size < 0) throw syError('SY_ERR_BATCH_CORRUPT', { reason: `bad batch framing at byte ${pos}` });
    headers.push(readBatchHeader(buf, pos));
    pos += size;
  }
  return headers;
}
