/**
 * Micro-benchmark of the HTTP produce body parsers: events/s for parseJsonProduce and
 * parseCloudEventBatch on bodies of 1,000 realistic ~200-byte events, side by side with JSON.parse of
 * the same body and with JSON.parse + JSON.stringify per value (what a re-serializing server pays).
 *   npx tsx bench/body-parsers.ts [--quick]
 * Prints a table and writes bench/results/body-parsers.json. Quote the ratios: machines are shared.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  isJsonValue,
  parseCloudEventBatch,
  parseJsonProduce,
} from '../packages/server/src/http/body/index.ts';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 15;
const ROUND_MS = quick ? 150 : 400;
const EVENTS = 1000;
const limits = { maxEventBytes: 1 << 20, maxBatchEvents: 10_000 };

function orderValue(i: number): object {
  return {
    orderId: `ord-${(i * 2654435761).toString(16).padStart(8, '0').slice(-8)}`,
    customer: { id: 1000 + (i % 977), tier: ['gold', 'silver', 'bronze'][i % 3], country: 'DE' },
    items: [
      { sku: `SKU-${1000 + (i % 89)}`, qty: 1 + (i % 4), price: 19.99 },
      { sku: `SKU-${2000 + (i % 53)}`, qty: 1, price: 5.5 },
    ],
    total: 45.48,
    currency: 'EUR',
    note: i % 5 === 0 ? 'Leave at the door — danke' : null,
  };
}

function produceBody(): Buffer {
  const records = Array.from({ length: EVENTS }, (_, i) => ({
    key: `customer-${1000 + (i % 977)}`,
    value: orderValue(i),
    ...(i % 4 === 0 ? { headers: { source: 'checkout' } } : {}),
  }));
  return Buffer.from(JSON.stringify({ records }));
}

function cloudEventBody(): Buffer {
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    specversion: '1.0',
    id: `ord-${i}`,
    source: '/checkout',
    type: 'order.placed',
    time: '2024-05-01T12:00:00.123Z',
    partitionkey: `c-${1000 + (i % 977)}`,
    data: { sku: `SKU-${1000 + (i % 89)}`, qty: 1 + (i % 4), total: 45.48, tier: ['gold', 'silver'][i % 2] },
  }));
  return Buffer.from(JSON.stringify(events));
}

let sink = 0;

/** Median events/s of each fn (handling `events` events per call); rounds interleave so load noise hits all alike. */
function measure(events: number, fns: (() => number)[]): number[] {
  for (const fn of fns) {
    const end = performance.now() + ROUND_MS;
    while (performance.now() < end) sink += fn(); // warm-up, lets the JIT settle
  }
  const rates: number[][] = fns.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    fns.forEach((fn, i) => {
      let calls = 0;
      const start = performance.now();
      let now = start;
      while (now - start < ROUND_MS) {
        sink += fn();
        calls++;
        now = performance.now();
      }
      rates[i]!.push((calls * events) / ((now - start) / 1000));
    });
  }
  return rates.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

interface Row {
  body: string;
  method: string;
  eventsPerSec: number;
  ratioToJsonParse: number;
}

const rows: Row[] = [];
function compare(name: string, body: Buffer, values: (doc: unknown) => unknown[], parse: () => number): void {
  const [jsonParse, reserialize, scanner] = measure(EVENTS, [
    () => (JSON.parse(body.toString('utf8')) ? 1 : 0),
    () => {
      let n = 0;
      for (const v of values(JSON.parse(body.toString('utf8')))) n += JSON.stringify(v).length;
      return n;
    },
    parse,
  ]) as [number, number, number];
  for (const [method, rate] of [
    ['JSON.parse(body)', jsonParse],
    ['JSON.parse + JSON.stringify per value', reserialize],
    ['scanner (this parser)', scanner],
  ] as const) {
    rows.push({
      body: name,
      method,
      eventsPerSec: Math.round(rate),
      ratioToJsonParse: Number((rate / jsonParse).toFixed(2)),
    });
  }
}

const produce = produceBody();
const cloudEvents = cloudEventBody();
const bytesPerEvent = (b: Buffer) => Math.round(b.length / EVENTS);

compare(
  `JSON produce (${bytesPerEvent(produce)} B/event)`,
  produce,
  (d) => (d as { records: { value: unknown }[] }).records.map((r) => r.value),
  () => parseJsonProduce(produce, limits).length,
);
compare(
  `CloudEvents batch (${bytesPerEvent(cloudEvents)} B/event)`,
  cloudEvents,
  (d) => d as unknown[],
  () => parseCloudEventBatch(cloudEvents, limits).length,
);

// The fetch path: is a stored ~200-byte value JSON (splice it) or not (base64)?
const stored = parseJsonProduce(produce, limits).map((r) => Buffer.from(r.value));
let k = 0;
const [check, check0] = measure(1, [
  () => (isJsonValue(stored[k++ % EVENTS]!) ? 1 : 0),
  () => {
    try {
      JSON.parse(stored[k++ % EVENTS]!.toString('utf8'));
      return 1;
    } catch {
      return 0;
    }
  },
]) as [number, number];
rows.push({
  body: 'stored value (fetch)',
  method: 'JSON.parse(value) in try',
  eventsPerSec: Math.round(check0),
  ratioToJsonParse: 1,
});
rows.push({
  body: 'stored value (fetch)',
  method: 'isJsonValue(value)',
  eventsPerSec: Math.round(check),
  ratioToJsonParse: Number((check / check0).toFixed(2)),
});

console.log(
  `\nbody parsers, ${EVENTS} events per body, median of ${ROUNDS} × ${ROUND_MS} ms (node ${process.version})\n`,
);
console.log(
  `${'body'.padEnd(36)} ${'method'.padEnd(40)} ${'events/s'.padStart(12)} ${'× JSON.parse'.padStart(13)}`,
);
for (const r of rows) {
  console.log(
    `${r.body.padEnd(36)} ${r.method.padEnd(40)} ${r.eventsPerSec.toLocaleString('en-US').padStart(12)} ${r.ratioToJsonParse.toFixed(2).padStart(13)}`,
  );
}

const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'body-parsers.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'body-parsers', node: process.version, quick, eventsPerBody: EVENTS, rounds: ROUNDS, roundMs: ROUND_MS, at: new Date().toISOString(), rows }, null, 2)}\n`,
);
console.log(`\nwrote ${out}${sink < 0 ? '' : ''}`);
