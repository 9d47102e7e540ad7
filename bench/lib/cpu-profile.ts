/** Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and ranks functions by self time. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** One function's share of the samples. */
export interface SelfTime {
  fn: string;
  where: string;
  selfMs: number;
  percent: number;
}

/**
 * The top `n` functions by self time, aggregated over nodes of the same function. With `window`
 * ([from, to] in µs of CLOCK_MONOTONIC, i.e. `process.hrtime` / 1000, the clock V8 stamps
 * profiles with on Linux), only samples inside it count, so start-up is left out.
 */
export function topSelfTime(
  file: string,
  n = 25,
  root = '',
  window: [number, number] = [0, Number.POSITIVE_INFINITY],
): { totalMs: number; top: SelfTime[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
  };
  const byId = new Map<number, ProfileNode>();
  for (const node of p.nodes) byId.set(node.id, node);
  const self = new Map<string, { fn: string; where: string; us: number }>();
  let total = 0;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]!);
    const dt = p.timeDeltas[i + 1] ?? 0; // the time until the next sample is this sample's
    t += p.timeDeltas[i] ?? 0;
    if (node === undefined || t < window[0] || t > window[1]) continue;
    total += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    const short = url
      .replace(/^file:\/\//, '')
      .replace(root, '')
      .replace(/^.*node_modules\//, '~/');
    const where = short === '' ? '' : `${short}:${lineNumber + 1}`;
    const fn = functionName || '(anonymous)';
    const key = `${fn}|${where}`;
    const e = self.get(key) ?? { fn, where, us: 0 };
    e.us += dt;
    self.set(key, e);
  }
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((e) => ({
      fn: e.fn,
      where: e.where,
      selfMs: Math.round(e.us / 1000),
      percent: Math.round((e.us / total) * 1000) / 10,
    }));
  return { totalMs: Math.round(total / 1000), top };
}
