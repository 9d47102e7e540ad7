import type { SeededRandom } from '../../../testing/seeded-random.ts';
import { partitionKey, type StreamPartition } from '../stream-partition.ts';
import type { Assignment, AssignorInput, AssignorMember } from './assignor.ts';

/** Problems with an assignment: a partition unassigned, assigned twice, or given to a non-subscriber. */
export function assignmentProblems(input: AssignorInput, assignment: Assignment): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string[]>();
  for (const member of input.members) {
    const list = assignment.get(member.memberId);
    if (list === undefined) problems.push(`member ${member.memberId} has no entry`);
    for (const tp of list ?? []) {
      const key = partitionKey(tp.stream, tp.partition);
      owners.set(key, [...(owners.get(key) ?? []), member.memberId]);
      if (!member.streams.includes(tp.stream))
        problems.push(`${key} given to non-subscriber ${member.memberId}`);
      if (tp.partition >= (input.partitions.get(tp.stream) ?? 0)) problems.push(`${key} does not exist`);
    }
  }
  for (const stream of new Set(input.members.flatMap((m) => m.streams))) {
    for (let p = 0; p < (input.partitions.get(stream) ?? 0); p++) {
      const found = owners.get(partitionKey(stream, p)) ?? [];
      if (found.length !== 1) problems.push(`${stream}/${p} assigned ${found.length} times`);
    }
  }
  return problems;
}

/** Max minus min number of partitions per member. */
export function imbalance(assignment: Assignment): number {
  const sizes = [...assignment.values()].map((l) => l.length);
  return sizes.length === 0 ? 0 : Math.max(...sizes) - Math.min(...sizes);
}

/** Partitions whose previous owner is still a member but which now belong to someone else. */
export function movedCount(previous: Assignment, next: Assignment): number {
  const nextOwner = new Map<string, string>();
  for (const [id, list] of next)
    for (const tp of list) nextOwner.set(partitionKey(tp.stream, tp.partition), id);
  let moved = 0;
  for (const [id, list] of previous) {
    if (!next.has(id)) continue;
    for (const tp of list) {
      const owner = nextOwner.get(partitionKey(tp.stream, tp.partition));
      if (owner !== undefined && owner !== id) moved++;
    }
  }
  return moved;
}

/**
 * The fewest moves any balanced assignment needs when all members subscribe to the same streams:
 * the `P mod N` members keeping the most get `ceil(P/N)`, the rest `floor(P/N)`; each gives up the excess.
 */
export function minimumMoves(input: AssignorInput, previous: Assignment): number {
  const ids = input.members.map((m) => m.memberId);
  const total = [...new Set(input.members.flatMap((m) => m.streams))].reduce(
    (sum, s) => sum + (input.partitions.get(s) ?? 0),
    0,
  );
  if (ids.length === 0) return 0;
  const floor = Math.floor(total / ids.length);
  const kept = ids
    .map(
      (id) =>
        (previous.get(id) ?? []).filter((tp) => tp.partition < (input.partitions.get(tp.stream) ?? 0)).length,
    )
    .sort((a, b) => b - a);
  return kept.reduce((sum, k, i) => sum + Math.max(0, k - (floor + (i < total % ids.length ? 1 : 0))), 0);
}

/** A random group: 1–8 members over 1–4 streams of 0–20 partitions; `sameStreams` gives all members every stream. */
export function randomInput(rng: SeededRandom, sameStreams: boolean): AssignorInput {
  const streams = Array.from({ length: rng.int(1, 4) }, (_, i) => `s${i}`);
  const partitions = new Map(streams.map((s) => [s, rng.int(0, 20)]));
  const members: AssignorMember[] = Array.from({ length: rng.int(1, 8) }, (_, i) => {
    const chosen = sameStreams ? streams : streams.filter(() => rng.chance(0.6));
    return {
      memberId: `m${rng.int(0, 999)}-${i}`,
      streams: chosen.length > 0 ? chosen : [rng.pick(streams)],
    };
  });
  return { members, partitions };
}

/** A random previous assignment: each existing partition kept by a random member or by none. */
export function randomPrevious(rng: SeededRandom, input: AssignorInput): Assignment {
  const previous: Assignment = new Map(input.members.map((m) => [m.memberId, [] as StreamPartition[]]));
  for (const [stream, count] of input.partitions) {
    for (let partition = 0; partition < count; partition++) {
      if (rng.chance(0.2)) continue;
      previous.get(rng.pick(input.members).memberId)!.push({ stream, partition });
    }
  }
  return previous;
}
