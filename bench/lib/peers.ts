/**
 * The peer baselines (NATS JetStream, Redis Streams, RabbitMQ) run side by side with our
 * benchmarks: copies `../shared/bench/peers/` (beside the repository; read-only there) to
 * `bench/results/peers/`, runs its `run.sh` there with our N and latency settings, and reads
 * its `out/results.jsonl`.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** One line of the peers' results.jsonl. */
export interface PeerRow {
  system: string;
  phase: string;
  config?: string;
  mode?: string;
  eps?: number;
  p50_us?: number;
  p99_us?: number;
  p999_us?: number;
  [k: string]: unknown;
}

/** Settings passed to run.sh as its environment knobs. */
export interface PeerSettings {
  n: number;
  rate: number;
  warmupS: number;
  durationS: number;
  maxS: number;
  /** Systems to run, of nats, redis, rabbit, phys. */
  systems: string[];
  timeoutMs: number;
}

const ALL = ['phys', 'nats', 'redis', 'rabbit'];

/** Where the shared peer benchmarks live for a repository root. */
export function peersSource(repoRoot: string): string {
  return join(repoRoot, '..', 'shared', 'bench', 'peers');
}

/**
 * Copies and runs the peers; resolves with their result rows, or with an `error` when the folder
 * is missing or the run failed (the caller goes on without peers).
 */
export async function runPeers(
  repoRoot: string,
  s: PeerSettings,
  log: (m: string) => void,
): Promise<{ rows: PeerRow[]; error?: string; dir: string }> {
  const src = peersSource(repoRoot);
  const dir = join(repoRoot, 'bench', 'results', 'peers');
  if (!existsSync(join(src, 'run.sh'))) {
    return {
      rows: [],
      dir,
      error: `peer benchmarks not found at ../shared/bench/peers (next to the repository): peers skipped`,
    };
  }
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  cpSync(src, dir, {
    recursive: true,
    filter: (p) => !/[\\/](node_modules|out|work)([\\/]|$)/.test(p.slice(src.length)),
  });
  const skip = ALL.filter((x) => !s.systems.includes(x)).join(' ');
  log(`peers: bash run.sh in bench/results/peers (N=${s.n}, RATE=${s.rate}, SKIP="${skip}")`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('bash', ['run.sh'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        N: String(s.n),
        RATE: String(s.rate),
        WARMUP_S: String(s.warmupS),
        DURATION_S: String(s.durationS),
        MAX_S: String(s.maxS),
        SKIP: skip,
      },
    });
    const timer = setTimeout(() => {
      log(`peers: time limit of ${Math.round(s.timeoutMs / 1000)} s reached, stopping run.sh`);
      child.kill('SIGTERM');
    }, s.timeoutMs);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const file = join(dir, 'out', 'results.jsonl');
  if (!existsSync(file)) return { rows: [], dir, error: `run.sh exited ${code} without results` };
  const rows: PeerRow[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as PeerRow);
    } catch {
      // A partial line from an interrupted run.
    }
  }
  return code === 0 ? { rows, dir } : { rows, dir, error: `run.sh exited ${code}` };
}

/** The anchor rows of each peer configuration we compare against. */
export function pickPeers(rows: readonly PeerRow[]) {
  const find = (pred: (r: PeerRow) => boolean) => rows.find(pred);
  const redisAlways = (phase: string) =>
    find(
      (r) => r.system === 'redis-streams' && /appendfsync always/.test(r.config ?? '') && r.phase === phase,
    );
  const rabbit = (phase: string) => find((r) => r.system === 'rabbitmq' && r.phase === phase);
  const natsLean = (phase: string, mode: string) =>
    find(
      (r) =>
        r.system === 'nats-jetstream' &&
        !/always/.test(r.config ?? '') &&
        r.phase === phase &&
        r.mode === mode,
    );
  return {
    'Redis Streams, appendfsync always': {
      durable: true,
      publish: redisAlways('publish'),
      consume: redisAlways('consume'),
      e2e: redisAlways('latency-e2e'),
    },
    'RabbitMQ, durable queue + confirms': {
      durable: true,
      publish: rabbit('publish'),
      consume: rabbit('consume'),
      e2e: rabbit('latency-e2e'),
    },
    'NATS JetStream, lean client (no fsync: ceiling)': {
      durable: false,
      publish: natsLean('publish', 'raw'),
      consume: natsLean('consume', 'raw'),
      e2e: natsLean('latency-e2e', 'lean'),
    },
  };
}
