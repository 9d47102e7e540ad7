import fs from 'node:fs';
import { join } from 'node:path';
import { syError } from '@switchyard/protocol';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `<logsDir>/.lock` for this process so two processes never append to the same logs (which
 * would interleave and corrupt them). A lock left by a dead process (kill -9) is taken over.
 * Returns the release function. Throws `SY_ERR_STORAGE_CONFLICT` while another live process holds it.
 */
export function lockLogsDir(logsDir: string): () => void {
  const path = join(logsDir, '.lock');
  const mine = String(process.pid);
  try {
    fs.writeFileSync(path, mine, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number.parseInt(fs.readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
      throw syError('SY_ERR_STORAGE_CONFLICT', { reason: `${logsDir} is in use by process ${holder}` });
    }
    fs.writeFileSync(path, mine);
  }
  return () => {
    try {
      if (fs.readFileSync(path, 'utf8') === mine) fs.rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  };
}
