import assert from 'node:assert/strict';
import { it } from 'node:test';
import { segmentsToDelete } from './retention.ts';
import type { Segment } from './segment.ts';
import { testConfig } from './test-support.ts';

const segs = (specs: [number, number][]) =>
  specs.map(([size, maxTimestamp], i) => ({ baseOffset: i * 10, size, maxTimestamp }) as unknown as Segment);

it('deletes by time from the oldest, stopping at the first recent segment, never the active one', () => {
  const s = segs([
    [100, 10],
    [100, 50],
    [100, 20],
    [100, 5],
  ]);
  const config = testConfig({ retentionMs: 100 });
  assert.deepEqual(segmentsToDelete(s, config, 140), [s[0]], 'stops at the segment with newer data');
  assert.deepEqual(segmentsToDelete(s, config, 1000), [s[0], s[1], s[2]], 'the active segment stays');
});

it('deletes by size while the rest still holds retentionBytes', () => {
  const s = segs([
    [100, 0],
    [100, 0],
    [100, 0],
    [50, 0],
  ]);
  assert.deepEqual(segmentsToDelete(s, testConfig({ retentionBytes: 200 }), 0), [s[0]]);
  assert.deepEqual(segmentsToDelete(s, testConfig({ retentionBytes: 150 }), 0), [s[0], s[1]]);
  assert.deepEqual(segmentsToDelete(s, testConfig({ retentionBytes: 0 }), 0), [s[0], s[1], s[2]]);
  assert.deepEqual(segmentsToDelete(s, testConfig({ retentionBytes: 1000 }), 0), []);
});
