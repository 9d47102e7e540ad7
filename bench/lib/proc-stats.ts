/**
 * What a benchmark reads about a process from /proc (Linux): CPU seconds, current and peak RSS,
 * and a reset of the peak so each phase reports its own. Elsewhere these answer null.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** CPU seconds (user + system, all threads) the process has used so far, or null. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime in USER_HZ (100/s)
  } catch {
    return null;
  }
}

/** Resident set size of a process in MiB: current (VmRSS) and peak (VmHWM). */
export function rssOf(pid: number): { rssMiB: number | null; peakMiB: number | null } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const get = (re: RegExp) => {
      const m = re.exec(s);
      return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
    };
    return { rssMiB: get(/VmRSS:\s+(\d+) kB/), peakMiB: get(/VmHWM:\s+(\d+) kB/) };
  } catch {
    return { rssMiB: null, peakMiB: null };
  }
}

/** Resets the peak RSS of a process to its current RSS (`/proc/PID/clear_refs` 5); no-op if refused. */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not permitted: the peak then counts from the process start.
  }
}

/** Cores used by the server process and by this process since the meter was made. */
export interface CpuUse {
  serverCores: number | null;
  clientCores: number;
}

/** Starts measuring CPU of `serverPid` and of this process; call the result to read it. */
export function cpuMeter(serverPid: number): () => CpuUse {
  const s0 = cpuSecondsOf(serverPid);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const secs = (performance.now() - t0) / 1000;
    const s1 = cpuSecondsOf(serverPid);
    const c = process.cpuUsage(c0);
    return {
      serverCores: s0 === null || s1 === null ? null : round2((s1 - s0) / secs),
      clientCores: round2((c.user + c.system) / 1e6 / secs),
    };
  };
}

/** Rounds to two decimals. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
