/**
 * Event routing: the EventBridge pattern language and SNS filter policies, compiled into one matcher.
 * Pure logic: no storage, no HTTP. See docs/patterns.md.
 */

/** Validates and compiles one pattern; options pick the dialect and limits. */
export {
  compilePattern,
  type PatternOptions,
  type PatternValidation,
  validatePattern,
} from './pattern-parser.ts';
/** Compiled pattern shapes, dialects, limits and their defaults. */
export {
  type CompiledPattern,
  type FieldCondition,
  type PatternDialect,
  type PatternLimits,
  type ResolvedPatternLimits,
  resolvePatternLimits,
  type ValueTest,
} from './pattern-types.ts';
/** Matches one pattern against one event without building a RuleMatcher (simple and slow; for tools and tests). */
export { referenceMatches as patternMatches } from './reference-interpreter.ts';
/** Many rules compiled together: add, remove, match parsed events or raw JSON. */
export { RuleMatcher } from './rule-matcher.ts';
/** SNS filter policies: compile, and turn message attributes into a matchable event. */
export {
  compileFilterPolicy,
  type FilterableMessage,
  type FilterPolicyScope,
  type MessageAttributeValue,
  matchesFilterPolicy,
  messageAttributesToEvent,
} from './sns-filter-policy.ts';
