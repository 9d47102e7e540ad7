/**
 * Pattern-matching benchmark: throughput of the compiled RuleMatcher on realistic nested events (1–2 KB) against
 * 100 … 100,000 realistic rules (exact, prefix, numeric, anything-but, exists, wildcard), on parsed events and
 * from raw JSON bytes (parse included), beside JSON.parse alone on the same bytes; plus compile time, add/remove
 * time and memory per rule (JS heap plus the automaton's typed arrays). Usage: `npx tsx bench/patterns.ts [--quick] [--rules=N]` (one rule count only).
 * Writes bench/results/patterns.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RuleMatcher } from '../packages/server/src/routing/index.ts';
import { prng } from '../packages/server/src/testing/seeded-random.ts';

const quick = process.argv.includes('--quick');
const ruleCounts = [100, 1_000, 10_000, 100_000];
const measureMs = quick ? 250 : 1500;
const rounds = quick ? 1 : 3;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const rand = prng(20261121);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

// The key space grows with the rule count (about 50 rules per source), as it does on a real shared bus: more
// rules come from more producers and consumers, so one event still matches a handful of rules.
let sources: string[] = [];
const detailTypes = Array.from(
  { length: 120 },
  (_, i) => `Entity${i % 30}.${['Created', 'Updated', 'Deleted', 'Failed'][i % 4]}`,
);
const statuses = ['PENDING', 'PAID', 'SHIPPED', 'CANCELLED', 'REFUNDED', 'ON_HOLD'];
const currencies = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'];
const countries = ['DE', 'FR', 'US', 'GB', 'JP', 'NL', 'ES', 'IT'];
const tiers = ['free', 'standard', 'gold', 'platinum'];
const methods = ['ground', 'express', 'overnight', 'pickup'];

function makeEvent(i: number): Record<string, unknown> {
  const items = Array.from({ length: int(2, 5) }, (_, k) => ({
    sku: `SKU-${int(1000, 9999)}`,
    name: `Item number ${k} with a descriptive name`,
    quantity: int(1, 5),
    unitPrice: Math.round(rand() * 20000) / 100,
    category: pick(['books', 'garden', 'toys', 'tools', 'food']),
  }));
  return {
    version: '0',
    id: `0d8f6c2e-${String(i).padStart(4, '0')}-4f7e-9a1b-3c5d7e9f1a2b`,
    'detail-type': pick(detailTypes),
    source: pick(sources),
    account: '123456789012',
    time: `2026-11-21T12:${String(int(0, 59)).padStart(2, '0')}:00Z`,
    region: pick(['eu-west-1', 'us-east-1', 'ap-northeast-1']),
    resources: [`arn:aws:orders:eu-west-1:123456789012:order/${int(1, 99999)}`],
    detail: {
      orderId: `ORD-${pick(countries)}-${int(100000, 999999)}`,
      status: pick(statuses),
      amount: Math.round(rand() * 100000) / 100,
      currency: pick(currencies),
      customer: {
        id: `cust-${int(1, 50000)}`,
        tier: pick(tiers),
        email: `user${int(1, 9999)}@${pick(['example.com', 'mail.test', 'corp.example.org'])}`,
        country: pick(countries),
        ip: `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      },
      items,
      shipping:
        rand() < 0.7
          ? { method: pick(methods), address: { city: 'Springfield', zip: String(int(10000, 99999)) } }
          : null,
      tags: ['web', pick(['promo', 'repeat', 'first-order', 'gift'])],
      metadata: {
        traceId: `${int(1e8, 9e8)}${int(1e8, 9e8)}`,
        attempt: int(1, 3),
        channel: pick(['web', 'app', 'pos']),
      },
    },
  };
}

function makeRule(): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  if (rand() < 0.97) rule.source = [pick(sources)];
  else rule.source = [{ prefix: pick(sources) }];
  if (rand() < 0.8) rule['detail-type'] = [pick(detailTypes), pick(detailTypes)];
  const detail: Record<string, unknown> = {};
  const conditions = int(1, 2);
  for (let c = 0; c < conditions; c++) {
    switch (int(0, 5)) {
      case 0:
        detail.status = [pick(statuses), pick(statuses)];
        break;
      case 1:
        detail.orderId = [{ prefix: `ORD-${pick(countries)}-${int(1, 9)}` }];
        break;
      case 2: {
        const low = int(0, 900);
        detail.amount = [{ numeric: ['>=', low, '<', low + int(10, 200)] }];
        break;
      }
      case 3:
        detail.currency = [{ 'anything-but': [pick(currencies), pick(currencies)] }];
        break;
      case 4:
        detail.shipping = { method: [{ exists: rand() < 0.8 }] };
        break;
      default:
        detail.customer = {
          email: [{ wildcard: `user${int(1, 99)}*@${pick(['example.com', 'mail.test'])}` }],
        };
    }
  }
  rule.detail = detail;
  return rule;
}

const eventCount = 2000;
let events: Record<string, unknown>[] = [];
let texts: string[] = [];
let buffers: Buffer[] = [];
function makeEvents(ruleCount: number): void {
  sources = Array.from(
    { length: Math.max(20, Math.round(ruleCount / 50)) },
    (_, i) => `com.acme.service${i}`,
  );
  events = Array.from({ length: eventCount }, (_, i) => makeEvent(i));
  texts = events.map((e) => JSON.stringify(e));
  buffers = texts.map((t) => Buffer.from(t));
}
makeEvents(1000);
const avgBytes = Math.round(buffers.reduce((n, b) => n + b.length, 0) / buffers.length);

/** CPU time of this process in ms: on a shared machine it measures per-core cost better than the wall clock. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let sink = 0;

/** Runs `fn(i)` over the events for `ms` of CPU time; returns events per CPU-second. */
function slice(fn: (i: number) => unknown, ms: number): number {
  let n = 0;
  const start = cpuMs();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 500; k++) {
      const out = fn(n % eventCount) as { length?: number } | undefined;
      sink += out?.length ?? 0;
      n++;
    }
    now = cpuMs();
  }
  return (n * 1000) / (now - start);
}

/** Runs `fn(i)` over the events for `measureMs` of CPU time, best of `rounds`; returns events per CPU-second. */
function rate(fn: (i: number) => unknown): number {
  let best = 0;
  for (let r = 0; r < rounds; r++) best = Math.max(best, slice(fn, measureMs));
  return best;
}

/** Slices per measurement in `interleaved`, and their length. */
const sliceRounds = quick ? 3 : 12;
const sliceMs = quick ? 80 : 400;

/**
 * Measures several functions in interleaved slices (one slice of each per round), so that every one meets the
 * same phases of a shared machine; returns each one's rate per round.
 */
function interleaved(fns: Record<string, (i: number) => unknown>): Record<string, number[]> {
  const rates: Record<string, number[]> = {};
  for (const name of Object.keys(fns)) rates[name] = [];
  for (let r = 0; r < sliceRounds; r++) {
    for (const [name, fn] of Object.entries(fns)) rates[name]?.push(slice(fn, sliceMs));
  }
  return rates;
}

const best = (xs: readonly number[]) => Math.max(...xs);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

// Calibration: the 200-300 byte EventBridge sample event, whose JSON.parse rate is quoted for this machine.
const sampleEvent = JSON.stringify({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
});
const jsonParseSmall = rate(() => JSON.parse(sampleEvent));
const jsonParseFromBytes = rate((i) => JSON.parse((buffers[i] as Buffer).toString('utf8')));
const jsonParseFromString = rate((i) => JSON.parse(texts[i] as string));

interface Row {
  rules: number;
  compileMs: number;
  compactMs: number;
  parsedAsAddedEventsPerSec: number;
  memoryBytesPerRule: number;
  tableBytesPerRule: number;
  addUs: number;
  removeUs: number;
  parsedEventsPerSec: number;
  rawEventsPerSec: number;
  parsePlusMatchEventsPerSec: number;
  jsonParseEventsPerSec: number;
  rawCostVsJsonParse: number;
  parsedMedianEventsPerSec: number;
  avgMatchesPerEvent: number;
}

const rows: Row[] = [];
const only = process.argv.find((a) => a.startsWith('--rules='));
for (const n of only === undefined ? ruleCounts : [Number(only.slice(8))]) {
  makeEvents(n);
  const rules = Array.from({ length: n }, makeRule);
  gc();
  const memory = () => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const memoryBefore = memory();
  const matcher = new RuleMatcher();
  const t0 = performance.now();
  rules.forEach((rule, i) => {
    matcher.add(`rule-${i}`, rule);
  });
  const compileMs = performance.now() - t0;
  gc();
  const memoryBytesPerRule = (memory() - memoryBefore) / n;
  const tableBytesPerRule = matcher.tableBytes / n;

  const extra = Array.from({ length: 1000 }, makeRule);
  const t1 = performance.now();
  extra.forEach((rule, i) => {
    matcher.add(`extra-${i}`, rule);
  });
  const addUs = ((performance.now() - t1) * 1000) / extra.length;
  const t2 = performance.now();
  extra.forEach((_, i) => {
    matcher.remove(`extra-${i}`);
  });
  const removeUs = ((performance.now() - t2) * 1000) / extra.length;

  // Rules arrived in random order; measure matching both as built and after compact().
  const asAddedEventsPerSec = rate((i) => matcher.match(events[i]));
  const t3 = performance.now();
  matcher.compact();
  const compactMs = performance.now() - t3;

  let matches = 0;
  for (const e of events) matches += matcher.match(e).length;
  for (let i = 0; i < eventCount; i++) {
    const a = matcher.match(events[i]).length;
    const b = matcher.matchJson(buffers[i] as Buffer).length;
    if (a !== b) throw new Error(`parsed and raw disagree on event ${i}: ${a} vs ${b}`);
  }
  const rates = interleaved({
    parsed: (i) => matcher.match(events[i]),
    raw: (i) => matcher.matchJson(buffers[i] as Buffer),
    parseAndMatch: (i) => matcher.match(JSON.parse((buffers[i] as Buffer).toString('utf8'))),
    jsonParse: (i) => JSON.parse((buffers[i] as Buffer).toString('utf8')),
  });
  const parsed = rates.parsed as number[];
  const raw = rates.raw as number[];
  const jsonParse = rates.jsonParse as number[];
  const parsedEventsPerSec = best(parsed);
  const rawEventsPerSec = best(raw);
  const parsePlusMatchEventsPerSec = best(rates.parseAndMatch as number[]);
  const jsonParseHere = best(jsonParse);
  rows.push({
    rules: n,
    compileMs: Math.round(compileMs),
    compactMs: Math.round(compactMs),
    parsedAsAddedEventsPerSec: Math.round(asAddedEventsPerSec),
    memoryBytesPerRule: Math.round(memoryBytesPerRule),
    tableBytesPerRule: Math.round(tableBytesPerRule),
    addUs: Number(addUs.toFixed(1)),
    removeUs: Number(removeUs.toFixed(1)),
    parsedEventsPerSec: Math.round(parsedEventsPerSec),
    rawEventsPerSec: Math.round(rawEventsPerSec),
    parsePlusMatchEventsPerSec: Math.round(parsePlusMatchEventsPerSec),
    jsonParseEventsPerSec: Math.round(jsonParseHere),
    // Per round, raw against JSON.parse in the same round (the same phase of the machine); the median round.
    rawCostVsJsonParse: Number(median(raw.map((r, k) => (jsonParse[k] as number) / r)).toFixed(2)),
    parsedMedianEventsPerSec: Math.round(median(parsed)),
    avgMatchesPerEvent: Number((matches / eventCount).toFixed(2)),
  });
}

const fmt = (x: number) => x.toLocaleString('en-US');
console.log(
  `events: ${eventCount} distinct, avg ${avgBytes} bytes; ${quick ? 'quick' : 'full'} run; CPU time. Parsed, raw, parse+match and JSON.parse: ${sliceRounds} rounds of interleaved ${sliceMs} ms slices, best round (parsed also the median round); raw / JSON.parse: the median of the ratios within a round. As added and calibration: best of ${rounds} x ${measureMs} ms.`,
);
console.log(
  `JSON.parse alone: ${fmt(Math.round(jsonParseFromBytes))} ev/s from bytes, ${fmt(Math.round(jsonParseFromString))} ev/s from string`,
);
console.log(
  `calibration: JSON.parse of the ${sampleEvent.length}-byte sample event: ${fmt(Math.round(jsonParseSmall))} /s`,
);
console.log('parsed, raw and parse+match are measured after compact(); "as added" before it.');
console.log(
  'rules   | compile ms | compact ms | memory B/rule (tables) | add us | remove us | parsed as added | parsed ev/s (median) | raw ev/s  | parse+match ev/s | raw cost / JSON.parse | matches/ev',
);
for (const r of rows) {
  console.log(
    [
      String(r.rules).padEnd(7),
      String(r.compileMs).padStart(10),
      String(r.compactMs).padStart(10),
      `${r.memoryBytesPerRule} (${r.tableBytesPerRule})`.padStart(22),
      String(r.addUs).padStart(6),
      String(r.removeUs).padStart(9),
      fmt(r.parsedAsAddedEventsPerSec).padStart(15),
      `${fmt(r.parsedEventsPerSec)} (${fmt(r.parsedMedianEventsPerSec)})`.padStart(20),
      fmt(r.rawEventsPerSec).padStart(9),
      fmt(r.parsePlusMatchEventsPerSec).padStart(16),
      `${r.rawCostVsJsonParse}x`.padStart(21),
      String(r.avgMatchesPerEvent).padStart(10),
    ].join(' | '),
  );
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/patterns.json', import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'patterns',
      date: new Date().toISOString(),
      quick,
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      settings: {
        eventCount,
        avgEventBytes: avgBytes,
        measureMs,
        rounds,
        sliceRounds,
        sliceMs,
        seed: 20261121,
      },
      jsonParseEventsPerSec: {
        fromBytes: Math.round(jsonParseFromBytes),
        fromString: Math.round(jsonParseFromString),
      },
      calibration: { sampleEventBytes: sampleEvent.length, jsonParsePerSec: Math.round(jsonParseSmall) },
      rows,
    },
    null,
    2,
  )}\n`,
);
if (sink < 0) console.log(sink);
