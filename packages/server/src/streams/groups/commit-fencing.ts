import { syError } from '@switchyard/protocol';
import type { CommittedOffset } from './group-document.ts';
import type { GroupMembership } from './group-membership.ts';
import type { OffsetToCommit } from './group-requests.ts';

/**
 * Throws unless a member may commit these offsets: it is live (`SY_ERR_GROUP_MEMBER_UNKNOWN`), at the
 * current generation (`SY_ERR_GROUP_GENERATION_STALE`), and holds every partition
 * (`SY_ERR_GROUP_NOT_ASSIGNED`). A partition being revoked is still held until the member releases
 * it, so a member can commit before it lets go.
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
  if (generation !== membership.generation) {
    throw syError('SY_ERR_GROUP_GENERATION_STALE', { group, generation, current: membership.generation });
  }
  for (const { stream, partition } of offsets) {
    if (membership.holderOf(stream, partition) !== memberId) {
      throw syError('SY_ERR_GROUP_NOT_ASSIGNED', { group, member: memberId, stream, partition });
    }
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
