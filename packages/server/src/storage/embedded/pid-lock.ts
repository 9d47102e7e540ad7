import fs from 'node:fs';
import { join } from 'node:path';
import { syError } from '@switchyard/protocol';
import { storageError } from './storage-error.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const heldHere = new Set<string>();

/**
 * Claims `<dir>/<name>` (a pid file) so that two processes never write the same files. A lock left
 * by a dead process (kill -9) is taken over. `sameProcess: 'refuse'` also refuses a second claim
 * from this process; `'take-over'` allows it (a restart simulated in one process). Returns the
 * release function; throws `SY_ERR_STORAGE_LOCKED` while a live holder has it.
 */
export function lockWithPidFile(dir: string, name: string, sameProcess: 'refuse' | 'take-over'): () => void {
  const path = join(dir, name);
  const mine = String(process.pid);
  if (sameProcess === 'refuse' && heldHere.has(path))
    throw syError('SY_ERR_STORAGE_LOCKED', { reason: `${dir} is already open in this process` });
  try {
    fs.writeFileSync(path, mine, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw storageError(err, `cannot lock ${dir}`);
    const holder = Number.parseInt(fs.readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
      throw syError('SY_ERR_STORAGE_LOCKED', { reason: `${dir} is in use by process ${holder}` });
    fs.writeFileSync(path, mine);
  }
  heldHere.add(path);
  return () => {
    heldHere.delete(path);
    try {
      if (fs.readFileSync(path, 'utf8') === mine) fs.rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  };
}
