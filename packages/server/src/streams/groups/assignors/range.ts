import { type Assignor, emptyAssignment, subscribedStreams, subscribersOf } from './assignor.ts';

/**
 * Kafka's RangeAssignor: per stream, the subscribers sorted by id each take a contiguous range of
 * `floor(P / N)` partitions, and the first `P mod N` of them one more.
 */
export const rangeAssignor: Assignor = ({ members, partitions }) => {
  const assignment = emptyAssignment(members);
  for (const stream of subscribedStreams(members)) {
    const count = partitions.get(stream) ?? 0;
    const subscribers = subscribersOf(members, stream);
    const base = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((memberId, index) => {
      const owned = assignment.get(memberId)!;
      const take = base + (index < extra ? 1 : 0);
      for (let i = 0; i < take; i++) owned.push({ stream, partition: next++ });
    });
  }
  return assignment;
};
