import type { AssignmentStrategy } from '../stream-partition.ts';
import type { Assignor } from './assignor.ts';
import { cooperativeStickyAssignor } from './cooperative-sticky.ts';
import { rangeAssignor } from './range.ts';
import { roundRobinAssignor } from './roundrobin.ts';

export type { Assignment, Assignor, AssignorInput, AssignorMember } from './assignor.ts';
export { cooperativeStickyAssignor } from './cooperative-sticky.ts';
export { rangeAssignor } from './range.ts';
export { roundRobinAssignor } from './roundrobin.ts';

/** The assignor behind each strategy name. */
export const ASSIGNORS: Readonly<Record<AssignmentStrategy, Assignor>> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
};
