export type { Assignment, Assignor, AssignorInput, AssignorMember } from './assignors/index.ts';
export {
  ASSIGNORS,
  cooperativeStickyAssignor,
  rangeAssignor,
  roundRobinAssignor,
} from './assignors/index.ts';
export {
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  type GroupCoordinatorConfig,
  resolveGroupCoordinatorConfig,
} from './group-config.ts';
export { GroupCoordinator } from './group-coordinator.ts';
export type {
  GroupCoordinatorOptions,
  GroupObserver,
  GroupSummary,
  PartitionsOf,
  RebalanceReason,
} from './group-coordinator-options.ts';
export type {
  GroupDescription,
  LogOffsets,
  LogOffsetsOf,
  MemberDescription,
  PartitionDescription,
} from './group-description.ts';
export type { CommittedOffset, GroupDocument } from './group-document.ts';
export type { GroupState } from './group-membership.ts';
export type { CommitRequest, JoinRequest, MemberAssignment, OffsetToCommit } from './group-requests.ts';
export { type AssignmentStrategy, STRATEGIES, type StreamPartition } from './stream-partition.ts';
export { ManualTimer, systemTimer, type Timer } from './timer.ts';
