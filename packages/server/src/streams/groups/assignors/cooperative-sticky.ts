import {
  comparePartitions,
  compareStrings,
  parsePartitionKey,
  partitionKey,
  partitionsFromKeys,
} from '../stream-partition.ts';
import { type Assignment, type Assignor, sortedMemberIds, subscribedStreams } from './assignor.ts';

/**
 * A balanced assignment that moves as few partitions as it can away from `previous`:
 * 1. every member keeps the previous partitions it still subscribes to (first claim wins);
 * 2. partitions nobody kept go to the least-loaded subscriber (fewest-choice partitions first);
 * 3. while some member holds two or more partitions more than a subscriber of one of its streams,
 *    one partition moves from the most loaded member to the least loaded subscriber.
 * With identical subscriptions the result is balanced within one and the number of partitions taken
 * away from their previous owner is the minimum any balanced assignment needs.
 */
export const cooperativeStickyAssignor: Assignor = ({ members, partitions, previous }) => {
  const ids = sortedMemberIds(members);
  const subscriptions = new Map(members.map((m) => [m.memberId, new Set(m.streams)]));
  const owned = new Map(ids.map((id) => [id, new Set<string>()]));
  const owner = new Map<string, string>();
  const streamOf = new Map<string, string>();
  for (const stream of subscribedStreams(members)) {
    for (let p = 0; p < (partitions.get(stream) ?? 0); p++) streamOf.set(partitionKey(stream, p), stream);
  }
  const give = (key: string, memberId: string): void => {
    owned.get(memberId)!.add(key);
    owner.set(key, memberId);
  };
  const subscribers = (stream: string): string[] => ids.filter((id) => subscriptions.get(id)!.has(stream));
  const leastLoaded = (candidates: readonly string[]): string | undefined => {
    let best: string | undefined;
    for (const id of candidates)
      if (best === undefined || owned.get(id)!.size < owned.get(best)!.size) best = id;
    return best;
  };

  // 1. Keep what is still valid.
  for (const id of ids) {
    for (const tp of previous?.get(id) ?? []) {
      const key = partitionKey(tp.stream, tp.partition);
      if (streamOf.has(key) && !owner.has(key) && subscriptions.get(id)!.has(tp.stream)) give(key, id);
    }
  }

  // 2. Place the rest; partitions with fewer candidate members go first so they are not crowded out.
  const choices = new Map([...streamOf.values()].map((stream) => [stream, subscribers(stream)]));
  const unowned = [...streamOf.keys()].filter((key) => !owner.has(key));
  unowned.sort((a, b) => {
    const byChoice = choices.get(streamOf.get(a)!)!.length - choices.get(streamOf.get(b)!)!.length;
    return byChoice || compareStrings(a, b);
  });
  for (const key of unowned) give(key, leastLoaded(choices.get(streamOf.get(key)!)!)!);

  // 3. Balance. Every move lowers the sum of squared loads, so the loop ends.
  for (;;) {
    const donors = [...ids].sort((a, b) => owned.get(b)!.size - owned.get(a)!.size || compareStrings(a, b));
    const move = findMove(donors, owned, streamOf, choices, leastLoaded);
    if (move === undefined) break;
    owned.get(move.from)!.delete(move.key);
    give(move.key, move.to);
  }

  const assignment: Assignment = new Map();
  for (const id of ids) assignment.set(id, partitionsFromKeys(owned.get(id)!));
  return assignment;
};

/** The first move that narrows the gap: from the most loaded donor to the least loaded eligible member. */
function findMove(
  donors: readonly string[],
  owned: ReadonlyMap<string, Set<string>>,
  streamOf: ReadonlyMap<string, string>,
  choices: ReadonlyMap<string, string[]>,
  leastLoaded: (candidates: readonly string[]) => string | undefined,
): { key: string; from: string; to: string } | undefined {
  for (const from of donors) {
    const load = owned.get(from)!.size;
    const checked = new Set<string>();
    // Highest partitions move first, so low partition numbers stay where they were.
    const keys = [...owned.get(from)!].sort((a, b) =>
      comparePartitions(parsePartitionKey(b), parsePartitionKey(a)),
    );
    for (const key of keys) {
      const stream = streamOf.get(key)!;
      if (checked.has(stream)) continue;
      checked.add(stream);
      const to = leastLoaded(choices.get(stream)!.filter((id) => id !== from));
      if (to !== undefined && owned.get(to)!.size + 1 < load) return { key, from, to };
    }
  }
  return undefined;
}
