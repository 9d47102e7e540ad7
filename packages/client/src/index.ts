/** Switchyard client SDK: admin calls, a batching idempotent producer and a group consumer over HTTP. */

/** The server's errors, re-raised by the client with the same code. */
export { isSwitchyardError, SwitchyardError } from '@switchyard/protocol';
/** Stream and group administration, JSON reads and writes. */
export { Admin, type ReadOptions, type StartPosition } from './admin.ts';
/** Retry policy and the backoff it uses. */
export { backoffDelay, DEFAULT_RETRY, type RetryOptions } from './backoff.ts';
/** The consumer: group or standalone, `run()` with handlers or `for await`. */
export { Consumer } from './consumer.ts';
/** Consumer settings, handlers and batches. */
export type { ConsumedBatch, ConsumerOptions, RunHandlers } from './consumer-options.ts';
/** Errors raised for a server that cannot be reached, and a test for what may be retried. */
export { isRetriable, SwitchyardConnectionError } from './errors.ts';
/** A record as consumed. */
export type { ConsumedRecord } from './fetch-decoder.ts';
/** The HTTP client every part shares. */
export { DEFAULT_URL, HttpClient, type HttpClientOptions, type RequestOptions } from './http-client.ts';
/** A partition position for `Consumer.seek`. */
export type { SeekPosition } from './partition-controls.ts';
/** The producer. */
export { Producer, type ProducerOptions, type RecordMetadata } from './producer.ts';
/** Record shapes a producer takes. */
export type { ProducerRecord, RecordHeaders, RecordKey } from './record-codec.ts';
/** The entry point: `new Switchyard({ url })`. */
export { Switchyard, type SwitchyardOptions } from './switchyard.ts';
/** The transport seam, for tests and custom HTTP stacks. */
export type { Transport, TransportRequest, TransportResponse } from './transport.ts';
