import type { BatchHeader } from '@switchyard/protocol';
import type { AppendResult } from '../../log-store.ts';

/** One append call waiting for the group commit that covers it. */
export interface PendingAppend {
  /** The call's batches (offsets already set); null for a duplicate that only waits for durability. */
  bytes: Buffer | null;
  headers: readonly BatchHeader[];
  records: number;
  result: AppendResult;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Everything that arrived while the previous write and fdatasync ran: written with one pwritev and
 * made durable with one fdatasync, then every append in it is answered.
 */
export class AppendGroup {
  readonly appends: PendingAppend[] = [];
  readonly buffers: Buffer[] = [];
  bytes = 0;
  /** Producer-state journal mark before the first append of this group (to undo on failure). */
  readonly producerMark: number;

  constructor(producerMark: number) {
    this.producerMark = producerMark;
  }

  /** Adds an append call and returns the promise answered when the group is durable. */
  add(
    bytes: Buffer | null,
    headers: readonly BatchHeader[],
    records: number,
    result: AppendResult,
  ): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.appends.push({ bytes, headers, records, result, resolve, reject });
      if (bytes !== null) {
        this.buffers.push(bytes);
        this.bytes += bytes.length;
      }
    });
  }
}
