/** Latency percentiles of nanosecond samples, reported in microseconds like the peer benchmarks. */

/** n, p50, p99, p999 and max of samples given in ns, in µs. */
export interface Percentiles {
  n: number;
  p50_us: number | null;
  p99_us: number | null;
  p999_us: number | null;
  max_us: number | null;
}

/** The percentiles of `samples` (ns). */
export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { n: 0, p50_us: null, p99_us: null, p999_us: null, max_us: null };
  const a = Float64Array.from(samples).sort();
  const q = (p: number) => a[Math.min(a.length - 1, Math.max(0, Math.ceil(p * a.length) - 1))]!;
  const us = (v: number) => Math.round(v / 100) / 10;
  return {
    n: a.length,
    p50_us: us(q(0.5)),
    p99_us: us(q(0.99)),
    p999_us: us(q(0.999)),
    max_us: us(a[a.length - 1]!),
  };
}
