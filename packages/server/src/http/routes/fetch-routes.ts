import type { FetchFrame, MultiFetchRequest } from '@switchyard/protocol';
import { fetchFrameHeaderSize, MEDIA, syError, writeFetchFrameHeader } from '@switchyard/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServedFrame, Streams } from '../../streams/streams.ts';
import { renderRecordsJson } from '../fetch-render.ts';
import { intParam, jsonBody } from '../http-errors.ts';

/** Bounds of fetch requests. */
export interface FetchLimits {
  /** Longest a long poll may wait. */
  maxWaitMs: number;
  /** Byte budget when the request gives none, and the most it may ask for. */
  defaultMaxBytes: number;
  maxBytes: number;
}

function wantsBinary(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes(MEDIA.recordBatches);
}

/**
 * An AbortSignal that fires when the client goes away, so a long poll stops waiting. A response
 * that was written out also closes; aborting then would only build an AbortError (a DOMException
 * with a stack trace) per fetch that nothing waits for any more.
 */
function disconnectSignal(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

/** Encodes fetch frames as the binary answer (frames.ts layout); batches are copied once. */
export function encodeFetchFrames(frames: readonly FetchFrame[]): Buffer {
  let size = 0;
  for (const f of frames) size += fetchFrameHeaderSize(f.stream) + f.batches.length;
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const f of frames) {
    pos = writeFetchFrameHeader(out, pos, f, f.batches.length);
    f.batches.copy(out, pos);
    pos += f.batches.length;
  }
  return out;
}

/** Hands the frames' read buffers back to the log: call once no byte of them is needed. */
function releaseFrames(frames: readonly ServedFrame[]): void {
  for (const f of frames) f.release?.();
}

/** Answers below this size are joined into one Buffer; larger ones go out frame by frame. */
const JOIN_BELOW_BYTES = 64 * 1024;

/**
 * Sends the binary fetch answer. Large answers are not joined: each frame's header and its
 * batches (the bytes the log read) are written as separate chunks of one corked write, which
 * saves a copy and an allocation the size of the answer per fetch; in the consume profile those
 * allocations drove most of the garbage-collection time (docs/benchmarks.md). `onResponse` hooks
 * still run for a reply sent through `reply.raw`. The read buffers go back to the log when the
 * response closes: written out in full, or abandoned by the client.
 */
function sendFetchFrames(reply: FastifyReply, frames: readonly ServedFrame[]): FastifyReply {
  let size = 0;
  for (const f of frames) size += fetchFrameHeaderSize(f.stream) + f.batches.length;
  if (size < JOIN_BELOW_BYTES) {
    const body = encodeFetchFrames(frames);
    releaseFrames(frames);
    return reply.type(MEDIA.recordBatches).send(body);
  }
  reply.hijack();
  const res = reply.raw;
  res.once('close', () => releaseFrames(frames));
  res.writeHead(200, { 'content-type': MEDIA.recordBatches, 'content-length': size });
  res.cork();
  for (const f of frames) {
    const header = Buffer.allocUnsafe(fetchFrameHeaderSize(f.stream));
    writeFetchFrameHeader(header, 0, f, f.batches.length);
    res.write(header);
    if (f.batches.length > 0) res.write(f.batches);
  }
  res.end();
  return reply;
}

function frameJson(frame: FetchFrame, fromOffset: number, maxRecords: number): string {
  const { json, nextOffset } = renderRecordsJson(frame, fromOffset, maxRecords);
  return `{"stream":${JSON.stringify(frame.stream)},"partition":${frame.partition},"records":${json},"nextOffset":${nextOffset},"highWatermark":${frame.highWatermark},"logStartOffset":${frame.logStartOffset}}`;
}

/** Fetch one partition (`GET …/partitions/:p/records`) or many (`POST /v1/fetch`), JSON or binary. */
export function fetchRoutes(app: FastifyInstance, streams: Streams, limits: FetchLimits): void {
  app.get<{
    Params: { stream: string; partition: string };
    Querystring: { offset?: string; maxRecords?: string; maxBytes?: string; maxWaitMs?: string };
  }>('/v1/streams/:stream/partitions/:partition/records', async (req, reply) => {
    const { stream } = req.params;
    const partition = intParam(req.params.partition, 'partition', 0, 0, 2 ** 31 - 1);
    const start = streams.startOffsets(stream)?.[partition] ?? 0;
    const offset = intParam(req.query.offset, 'offset', start, 0, Number.MAX_SAFE_INTEGER);
    const maxRecords = intParam(req.query.maxRecords, 'maxRecords', 500, 1, 100_000);
    const maxBytes = intParam(req.query.maxBytes, 'maxBytes', limits.defaultMaxBytes, 1, limits.maxBytes);
    const maxWaitMs = intParam(req.query.maxWaitMs, 'maxWaitMs', 0, 0, limits.maxWaitMs);
    const frames = await streams.fetchMany(
      [{ stream, partition, offset }],
      maxBytes,
      maxWaitMs,
      disconnectSignal(reply),
    );
    const frame = frames[0]!;
    if (wantsBinary(req)) return sendFetchFrames(reply, frames);
    const { json, nextOffset } = renderRecordsJson(frame, offset, maxRecords);
    releaseFrames(frames);
    return reply
      .type('application/json')
      .send(
        `{"records":${json},"nextOffset":${nextOffset},"highWatermark":${frame.highWatermark},"logStartOffset":${frame.logStartOffset}}`,
      );
  });

  app.post('/v1/fetch', async (req, reply) => {
    const body = jsonBody<MultiFetchRequest>(req);
    if (!Array.isArray(body.positions) || body.positions.length === 0) {
      throw syError('SY_ERR_REQUEST_INVALID', {
        reason: 'positions must be a non-empty array of {stream, partition, offset}',
      });
    }
    for (const p of body.positions) {
      if (typeof p?.stream !== 'string' || !Number.isInteger(p.partition) || !Number.isInteger(p.offset)) {
        throw syError('SY_ERR_REQUEST_INVALID', {
          reason: 'each position needs a string stream and integer partition and offset',
        });
      }
    }
    const maxBytes = intParam(body.maxBytes, 'maxBytes', limits.defaultMaxBytes, 1, limits.maxBytes);
    const maxWaitMs = intParam(body.maxWaitMs, 'maxWaitMs', 0, 0, limits.maxWaitMs);
    const frames = await streams.fetchMany(body.positions, maxBytes, maxWaitMs, disconnectSignal(reply));
    if (wantsBinary(req)) return sendFetchFrames(reply, frames);
    const parts = frames.map((f, i) => frameJson(f, body.positions[i]!.offset, Number.MAX_SAFE_INTEGER));
    releaseFrames(frames);
    return reply.type('application/json').send(`{"partitions":[${parts.join(',')}]}`);
  });
}
