import { type SwitchyardError, syError } from '@switchyard/protocol';

/** Maps a file-system error to the storage error a caller can act on (full disk, unwritable, other). */
export function storageError(err: unknown, what: string): SwitchyardError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const reason = `${what}: ${code ?? (err as Error)?.message ?? String(err)}`;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG')
    return syError('SY_ERR_STORAGE_FULL', { reason }, err);
  return syError('SY_ERR_STORAGE_UNWRITABLE', { reason }, err);
}
