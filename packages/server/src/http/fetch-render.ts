import type { FetchFrame } from '@switchyard/protocol';
import { forEachRecord } from '@switchyard/protocol';
import { isJsonValue } from './body/index.ts';

/**
 * Renders fetched batches as the JSON fetch answer, splicing each stored JSON value in as text
 * (validated, never parsed and re-serialized). Records below `fromOffset` (the first batch may
 * start earlier) are skipped; at most `maxRecords` are rendered. Returns the JSON text and the
 * offset where the next fetch should start.
 */
export function renderRecordsJson(
  frame: FetchFrame,
  fromOffset: number,
  maxRecords: number,
): { json: string; nextOffset: number } {
  const parts: string[] = [];
  let next = fromOffset;
  let count = 0;
  const data = frame.batches;
  let pos = 0;
  while (pos + 12 <= data.length && count < maxRecords) {
    const size = data.readInt32BE(pos + 8) + 12;
    if (pos + size > data.length) break;
    forEachRecord(data, pos, (r) => {
      if (r.offset < fromOffset || count >= maxRecords) return;
      count++;
      next = r.offset + 1;
      let headers = '{}';
      if (r.headers.length > 0) {
        const h: Record<string, string> = {};
        for (const { key, value } of r.headers)
          h[key] = value === null ? '' : Buffer.from(value).toString('utf8');
        headers = JSON.stringify(h);
      }
      const key = r.key === null ? 'null' : JSON.stringify(r.key.toString('utf8'));
      let value: string;
      if (r.value === null) value = '"value":null';
      else if (isJsonValue(r.value)) value = `"value":${r.value.toString('utf8')}`;
      else value = `"valueBase64":"${r.value.toString('base64')}"`;
      parts.push(
        `{"partition":${frame.partition},"offset":${r.offset},"timestamp":${r.timestamp},"key":${key},${value},"headers":${headers}}`,
      );
    });
    pos += size;
  }
  if (count < maxRecords && frame.nextOffset > next) next = frame.nextOffset;
  return { json: `[${parts.join(',')}]`, nextOffset: next };
}
