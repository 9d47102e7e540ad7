import { syError } from '@switchyard/protocol';
import type { CommittedOffset } from './group-document.ts';
import type { GroupMembership } from './group-membership.ts';
import type { OffsetToCommit } from './group-requests.ts';

/**
 * Throws unless a member may commit these offsets: it is live (`SY_ERR_GROUP_MEMBER_UNKNOWN`) and
 * holds every partition (`SY_ERR_GROUP_NOT_ASSIGNED`; a partition being revoked is still held until
 * the member releases it, so a member can commit before it lets go), at a generation no older than
 * the one at which it was granted each partition and no newer than the current one
 * (`SY_ERR_GROUP_GENERATION_STALE`). So, as with KIP-848's per-member epochs, a rebalance the member
 * has not heard of yet does not fence its commits of partitions it still holds, while a commit from
 * an earlier tenure of a partition (a zombie, or a member that rejoined under the same id) is fenced.
 */
export function assertMemberMayCommit(
  membership: GroupMembership,
  group: string,
  memberId: string,
  generation: number,
  offsets: readonly OffsetToCommit[],
): void {
  if (membership.get(memberId) === undefined) {
    throw syError('SY_ERR_GROUP_MEMBER_UNKNOWN', { group, member: memberId });
  }
  const stale = () =>
    syError('SY_ERR_GROUP_GENERATION_STALE', { group, generation, current: membership.generation });
  if (generation > membership.generation) throw stale();
  for (const { stream, partition } of offsets) {
    if (membership.holderOf(stream, partition) !== memberId) {
      throw syError('SY_ERR_GROUP_NOT_ASSIGNED', { group, member: memberId, stream, partition });
    }
    if (generation < (membership.grantedAt(stream, partition) ?? membership.generation)) throw stale();
  }
}

/** Throws `SY_ERR_GROUP_NOT_EMPTY` while the group has live members (standalone commits, deletes). */
export function assertGroupEmpty(membership: GroupMembership, group: string, action: string): void {
  if (membership.size > 0)
    throw syError('SY_ERR_GROUP_NOT_EMPTY', { group, members: membership.size, action });
}

/** The stored form of the offsets of one commit, stamped with the commit time. */
export function toCommittedOffsets(
  offsets: readonly OffsetToCommit[],
  committedAt: number,
): CommittedOffset[] {
  return offsets.map(({ stream, partition, offset, metadata }) =>
    metadata === undefined
      ? { stream, partition, offset, committedAt }
      : { stream, partition, offset, metadata, committedAt },
  );
}
