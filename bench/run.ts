/**
 * `npm run bench`: runs every benchmark script under bench/ (each as a child process, with
 * `--quick` when given), then the peer baselines in the same run, and writes
 * bench/results/summary.json and summary.md with Switchyard/peer ratios.
 * Usage: `npm run bench -- [--quick] [--peers=nats,redis,rabbit|none] [--only=streams,patterns]`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PeerRow, pickPeers, runPeers } from './lib/peers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results');
const quick = process.argv.includes('--quick');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const peers = (arg('peers') ?? 'nats,redis').split(',').filter((p) => p !== '' && p !== 'none');
const only = arg('only')?.split(',');
const SCRIPT_LIMIT_MS = 20 * 60_000;

const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** Benchmark scripts, streams first; run.ts itself excluded. */
function scripts(): string[] {
  const names = readdirSync(join(ROOT, 'bench'))
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -3))
    .sort((a, b) => (a === 'streams' ? -1 : b === 'streams' ? 1 : a.localeCompare(b)));
  return only === undefined ? names : names.filter((n) => only.includes(n));
}

function runScript(name: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('bench', `${name}.ts`), ...(quick ? ['--quick'] : [])],
      {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const timer = setTimeout(() => {
      log(`${name}: time limit reached, stopping it`);
      child.kill('SIGTERM');
    }, SCRIPT_LIMIT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

interface StreamsJson {
  ingestBinary?: { eventsPerSec: number };
  ingestJson?: { eventsPerSec: number };
  consume?: { eventsPerSec: number };
  latency?: { e2e: { p50_us: number | null; p99_us: number | null; p999_us: number | null } };
  sdk?: { ingest?: { eventsPerSec: number }; consume?: { eventsPerSec: number } };
  settings?: { events: number; latency: { rate: number; warmupS: number; durationS: number } };
  machine?: unknown;
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null || b === 0 ? null : Math.round((a / b) * 100) / 100;
const fmt = (n: number | null | undefined) => (n == null ? '–' : Math.round(n).toLocaleString('en-US'));
const msOf = (us: number | null | undefined) => (us == null ? '–' : (us / 1000).toFixed(2));
const x = (r: number | null) => (r === null ? '–' : `${r}×`);

function summarize(streams: StreamsJson | null, rows: PeerRow[], peerError: string | undefined) {
  const picked = pickPeers(rows);
  const sy = {
    binary: streams?.ingestBinary?.eventsPerSec ?? null,
    json: streams?.ingestJson?.eventsPerSec ?? null,
    sdkIngest: streams?.sdk?.ingest?.eventsPerSec ?? null,
    consume: streams?.consume?.eventsPerSec ?? null,
    sdkConsume: streams?.sdk?.consume?.eventsPerSec ?? null,
    p50: streams?.latency?.e2e.p50_us ?? null,
    p99: streams?.latency?.e2e.p99_us ?? null,
  };
  const comparisons = Object.entries(picked).map(([peer, p]) => ({
    peer,
    durable: p.durable,
    peerPublish: p.publish?.eps ?? null,
    peerConsume: p.consume?.eps ?? null,
    peerE2eP50Us: p.e2e?.p50_us ?? null,
    peerE2eP99Us: p.e2e?.p99_us ?? null,
    ingestBinaryRatio: ratio(sy.binary, p.publish?.eps),
    ingestJsonRatio: ratio(sy.json, p.publish?.eps),
    ingestSdkRatio: ratio(sy.sdkIngest, p.publish?.eps),
    consumeRatio: ratio(sy.consume, p.consume?.eps),
    consumeSdkRatio: ratio(sy.sdkConsume, p.consume?.eps),
    /** Lower is better: below 1 means Switchyard's p99 is shorter. */
    e2eP99Ratio: ratio(sy.p99, p.e2e?.p99_us),
  }));
  const md = [
    `Switchyard: binary ingest ${fmt(sy.binary)}/s, JSON ingest ${fmt(sy.json)}/s, SDK producer ${fmt(sy.sdkIngest)}/s, consume ${fmt(sy.consume)}/s, SDK consumer ${fmt(sy.sdkConsume)}/s, e2e p50/p99 ${msOf(sy.p50)}/${msOf(sy.p99)} ms (fsync always).`,
    '',
    '| peer (same run) | durable at ack | peer publish/s | binary ingest ratio | JSON ingest ratio | SDK producer ratio | peer consume/s | consume ratio | SDK consumer ratio | peer e2e p99 ms | e2e p99 ratio (lower is better) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...comparisons.map(
      (c) =>
        `| ${c.peer} | ${c.durable ? 'yes' : 'no'} | ${fmt(c.peerPublish)} | ${x(c.ingestBinaryRatio)} | ${x(c.ingestJsonRatio)} | ${x(c.ingestSdkRatio)} | ${fmt(c.peerConsume)} | ${x(c.consumeRatio)} | ${x(c.consumeSdkRatio)} | ${msOf(c.peerE2eP99Us)} | ${x(c.e2eP99Ratio)} |`,
    ),
  ];
  if (peerError !== undefined) md.push('', `Peers: ${peerError}`);
  return { switchyard: sy, comparisons, markdown: md.join('\n') };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const load = () => os.loadavg()[0]!.toFixed(2);
  log(`start (quick=${quick}, peers=${peers.join(',') || 'none'}, load ${load()})`);
  const ran: Record<string, number | null> = {};
  for (const name of scripts()) {
    log(`${name}: running (load ${load()})`);
    ran[name] = await runScript(name);
    log(`${name}: exit ${ran[name]}`);
  }
  const streamsFile = join(RESULTS, 'streams.json');
  const streams = existsSync(streamsFile)
    ? (JSON.parse(readFileSync(streamsFile, 'utf8')) as StreamsJson)
    : null;
  let rows: PeerRow[] = [];
  let peerError: string | undefined;
  if (peers.length > 0) {
    const lat = streams?.settings?.latency;
    const r = await runPeers(
      ROOT,
      {
        n: streams?.settings?.events ?? (quick ? 200_000 : 1_000_000),
        rate: lat?.rate ?? 5000,
        warmupS: lat?.warmupS ?? (quick ? 1 : 2),
        durationS: lat?.durationS ?? (quick ? 4 : 10),
        maxS: 120,
        systems: peers,
        timeoutMs: 20 * 60_000,
      },
      log,
    );
    rows = r.rows;
    peerError = r.error;
    if (r.error !== undefined) log(`peers: ${r.error}`);
  }
  const summary = {
    date: new Date().toISOString(),
    quick,
    load1AtEnd: Number(load()),
    scripts: ran,
    peersRun: peers,
    ...summarize(streams, rows, peerError),
    streamsMachine: streams?.machine ?? null,
    peerMeta: rows.find((r) => r.phase === 'meta') ?? null,
    seconds: Math.round((performance.now() - t0) / 1000),
  };
  writeFileSync(join(RESULTS, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'summary.md'), `${summary.markdown}\n`);
  process.stdout.write(`\n${summary.markdown}\n`);
  log(`done in ${summary.seconds} s: bench/results/summary.json, summary.md`);
}

await main();
