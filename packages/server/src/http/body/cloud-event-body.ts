/**
 * CloudEvents structured-mode bodies: `application/cloudevents+json` (one event) and
 * `application/cloudevents-batch+json` (a JSON array of events). Each record's value is the event's
 * exact bytes, so every CloudEvent is stored the same way whichever mode brought it.
 */
import { syError } from '@switchyard/protocol';
import { scanCloudEvent } from './cloud-event.ts';
import { JsonScanner } from './json-scanner.ts';
import { type BodyLimits, kindText, type ParsedRecord, requestInvalid } from './parsed-record.ts';
import { settleError } from './settle-error.ts';

/** Parses one structured CloudEvent body into a single record. */
export function parseCloudEvent(body: Buffer, limits: BodyLimits): ParsedRecord[] {
  const sc = new JsonScanner(body);
  try {
    const record = scanCloudEvent(sc, 0, limits);
    sc.finish();
    return [record];
  } catch (err) {
    throw settleError(body, err, () => {});
  }
}

/** Parses a CloudEvents JSON batch; rejects the whole batch on any bad event. */
export function parseCloudEventBatch(body: Buffer, limits: BodyLimits): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  try {
    walkBatch(new JsonScanner(body), limits, records);
  } catch (err) {
    throw settleError(body, err, () => walkBatch(new JsonScanner(body), limits, null));
  }
  return records;
}

/** Walks the batch; parses events into `out`, or only validates and counts them when `out` is null. */
function walkBatch(sc: JsonScanner, limits: BodyLimits, out: ParsedRecord[] | null): void {
  const kind = sc.peek();
  if (kind !== 'array')
    throw requestInvalid(`a CloudEvents batch must be an array of events, found ${kindText(kind)}`);
  sc.enterArray();
  let count = 0;
  while (sc.nextElement()) {
    if (out !== null && count < limits.maxBatchEvents) out.push(scanCloudEvent(sc, count, limits));
    else sc.skipValue();
    count++;
  }
  sc.finish();
  if (count === 0) throw syError('SY_ERR_BATCH_EMPTY');
  if (count > limits.maxBatchEvents)
    throw syError('SY_ERR_BATCH_TOO_LARGE', { count, limit: limits.maxBatchEvents });
}
