/**
 * HTTP produce body parsers: one validating pass over the request bytes, each event kept as the exact
 * bytes sent (JSON produce, CloudEvents structured, batch and binary modes), plus the JSON scanner and
 * `isJsonValue` for the fetch path.
 */
export { parseBinaryCloudEvent, type RequestHeaders } from './binary-cloud-event.ts';
export { CLOUD_EVENT_HEADERS } from './cloud-event.ts';
export { isJsonMediaType } from './cloud-event-attributes.ts';
export { parseCloudEvent, parseCloudEventBatch } from './cloud-event-body.ts';
export { isJsonValue } from './is-json-value.ts';
export { parseJsonProduce } from './json-produce.ts';
export { DEFAULT_MAX_DEPTH, type JsonKind, JsonScanner, type JsonScannerOptions } from './json-scanner.ts';
export type { BodyLimits, ParsedHeader, ParsedRecord } from './parsed-record.ts';
export { parseRfc3339 } from './rfc3339.ts';
