import { type Assignor, emptyAssignment, sortedMemberIds, subscribedStreams } from './assignor.ts';

/**
 * Kafka's RoundRobinAssignor: all partitions sorted by stream and number, dealt one by one over the
 * members sorted by id, skipping members that do not subscribe to the partition's stream.
 */
export const roundRobinAssignor: Assignor = ({ members, partitions }) => {
  const assignment = emptyAssignment(members);
  const ids = sortedMemberIds(members);
  const subscriptions = new Map(members.map((m) => [m.memberId, new Set(m.streams)]));
  let cursor = 0;
  for (const stream of subscribedStreams(members)) {
    const count = partitions.get(stream) ?? 0;
    for (let partition = 0; partition < count; partition++) {
      // Some member subscribes to every stream listed here, so this finds one within ids.length steps.
      while (!subscriptions.get(ids[cursor % ids.length]!)!.has(stream)) cursor++;
      assignment.get(ids[cursor % ids.length]!)!.push({ stream, partition });
      cursor++;
    }
  }
  return assignment;
};
