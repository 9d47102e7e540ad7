import { syError } from '@switchyard/protocol';

/** Longest key a KvStore accepts, in characters. */
export const MAX_KV_KEY_LENGTH = 1024;

const KEY = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const PREFIX = /^[A-Za-z0-9._/-]*$/;

/** Throws `SY_ERR_REQUEST_INVALID` unless `key` is `/`-separated non-empty segments of `[A-Za-z0-9._-]`. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length > MAX_KV_KEY_LENGTH || !KEY.test(key)) {
    throw syError('SY_ERR_REQUEST_INVALID', {
      reason: `key ${JSON.stringify(key)} is invalid: use 1 to ${MAX_KV_KEY_LENGTH} characters, segments of A-Z a-z 0-9 . _ - separated by single /`,
    });
  }
}

/** Throws `SY_ERR_REQUEST_INVALID` unless `prefix` uses only key characters (it may end inside a segment or be empty). */
export function assertValidPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || prefix.length > MAX_KV_KEY_LENGTH || !PREFIX.test(prefix)) {
    throw syError('SY_ERR_REQUEST_INVALID', {
      reason: `key prefix ${JSON.stringify(prefix)} is invalid: use only A-Z a-z 0-9 . _ - and /`,
    });
  }
}

/** Throws `SY_ERR_STORAGE_CONFLICT` unless a compare-and-set's `expected` revision is the key's `current` one (0 = absent). */
export function assertRevision(key: string, current: number, expected: number): void {
  if (current !== expected) {
    throw syError('SY_ERR_STORAGE_CONFLICT', {
      reason: `key ${key} is at revision ${current}, not ${expected}`,
    });
  }
}

/** Compares keys by UTF-16 code units, the order `list` returns (ASCII order for valid keys). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
