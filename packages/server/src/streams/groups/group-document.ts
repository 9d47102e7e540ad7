import { syError } from '@switchyard/protocol';
import { comparePartitions, partitionKey } from './stream-partition.ts';

/** Version of the stored group document; bump it with a migration in `decodeGroupDocument`. */
export const GROUP_DOCUMENT_VERSION = 1;

/** One committed offset: the next offset the group will read from that partition. */
export interface CommittedOffset {
  readonly stream: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata?: string;
  /** Server time (ms) of the commit. */
  readonly committedAt: number;
}

/**
 * The persisted state of one consumer group, one KV key per group so that a single compare-and-set
 * covers the generation and every offset (JetStream KV has no multi-key transactions).
 */
export interface GroupDocument {
  readonly version: typeof GROUP_DOCUMENT_VERSION;
  /** Highest generation handed out; a restarted coordinator continues above it, fencing older members. */
  readonly generation: number;
  /** Committed offsets, sorted by stream then partition, one per partition. */
  readonly offsets: readonly CommittedOffset[];
}

/** The KV key of a group's document. */
export function groupKey(group: string): string {
  return `groups/${group}`;
}

/** The KV prefix under which all group documents live. */
export const GROUP_KEY_PREFIX = 'groups/';

/** The document of a group that has never been stored. */
export function emptyGroupDocument(): GroupDocument {
  return { version: GROUP_DOCUMENT_VERSION, generation: 0, offsets: [] };
}

/** The document with `offsets` applied over the existing ones (the later entry wins). */
export function withOffsets(doc: GroupDocument, offsets: readonly CommittedOffset[]): GroupDocument {
  const merged = new Map(doc.offsets.map((o) => [partitionKey(o.stream, o.partition), o]));
  for (const o of offsets) merged.set(partitionKey(o.stream, o.partition), o);
  return { ...doc, offsets: [...merged.values()].sort(comparePartitions) };
}

/** The document without the offsets of `stream` (a deleted stream). */
export function withoutStream(doc: GroupDocument, stream: string): GroupDocument {
  return { ...doc, offsets: doc.offsets.filter((o) => o.stream !== stream) };
}

/** The document with a new generation. */
export function withGeneration(doc: GroupDocument, generation: number): GroupDocument {
  return { ...doc, generation };
}

/** JSON bytes of a document, fields in a fixed order. */
export function encodeGroupDocument(doc: GroupDocument): Buffer {
  const offsets = doc.offsets.map((o) => ({
    stream: o.stream,
    partition: o.partition,
    offset: o.offset,
    ...(o.metadata === undefined ? {} : { metadata: o.metadata }),
    committedAt: o.committedAt,
  }));
  return Buffer.from(JSON.stringify({ version: doc.version, generation: doc.generation, offsets }));
}

/** Parses and checks stored bytes; throws `SY_ERR_STORAGE_CORRUPT` naming the key when they are not a document. */
export function decodeGroupDocument(bytes: Buffer, key: string): GroupDocument {
  const corrupt = (why: string) => syError('SY_ERR_STORAGE_CORRUPT', { reason: `${key}: ${why}` });
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw corrupt('not JSON');
  }
  if (!isRecord(raw)) throw corrupt('not an object');
  if (raw.version !== GROUP_DOCUMENT_VERSION) throw corrupt(`unknown version ${String(raw.version)}`);
  if (!isCount(raw.generation)) throw corrupt('generation is not a non-negative integer');
  if (!Array.isArray(raw.offsets)) throw corrupt('offsets is not an array');
  const offsets = raw.offsets.map((o: unknown, i: number): CommittedOffset => {
    const ok =
      isRecord(o) &&
      typeof o.stream === 'string' &&
      isCount(o.partition) &&
      isCount(o.offset) &&
      isCount(o.committedAt) &&
      (o.metadata === undefined || typeof o.metadata === 'string');
    if (!ok) throw corrupt(`offsets[${i}] is malformed`);
    const { stream, partition, offset, committedAt, metadata } = o as unknown as CommittedOffset;
    return metadata === undefined
      ? { stream, partition, offset, committedAt }
      : { stream, partition, offset, metadata, committedAt };
  });
  return {
    version: GROUP_DOCUMENT_VERSION,
    generation: raw.generation,
    offsets: offsets.sort(comparePartitions),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
