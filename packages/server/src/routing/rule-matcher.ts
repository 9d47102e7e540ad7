/**
 * Many rules compiled into one automaton, in the spirit of event-ruler: each rule branch is a sequence of field
 * conditions; branches share states while their leading conditions are equal, so matching an event follows only
 * the transitions its own field values select, and the cost grows with the event, not with the number of rules.
 * Adding or removing a rule touches only the states on its own branches.
 */

import { conditionKey, ordered, splitExactLists } from './condition-chain.ts';
import { collectParsed, EventFields, type LeafGroups, PathRegistry } from './event-fields.ts';
import { FieldMatcher, TargetStack } from './field-matcher.ts';
import { compilePattern, type PatternOptions } from './pattern-parser.ts';
import type { CompiledPattern, FieldCondition, ValueTest } from './pattern-types.ts';
import { collectRaw } from './raw-event-scanner.ts';

/** Shared by states without transitions; replaced, never mutated. */
const EMPTY_TRANSITIONS: Transition[] = [];

class NameState {
  /** Rules whose branch ends here. */
  rules: RuleRecord[] | null = null;
  transitions: Transition[] = EMPTY_TRANSITIONS;
  /** Dedupe stamp used while matching. */
  mark = 0;
}

interface ConditionEntry {
  readonly state: NameState;
  readonly tests: readonly ValueTest[];
  refs: number;
}

/** The value index of one field from one state (a FieldMatcher, inline to save a hop), and its conditions. */
class Transition extends FieldMatcher<NameState> {
  /** Conditions by canonical key: one inline (the common case), more in a map. */
  #oneKey: string | null = null;
  #one: ConditionEntry | null = null;
  #more: Map<string, ConditionEntry> | null = null;
  constructor(fieldId: number) {
    super();
    this.fieldId = fieldId;
  }

  get(key: string): ConditionEntry | undefined {
    if (this.#oneKey === key) return this.#one as ConditionEntry;
    return this.#more?.get(key);
  }

  set(key: string, entry: ConditionEntry): void {
    if (this.#oneKey === null) {
      this.#oneKey = key;
      this.#one = entry;
    } else {
      this.#more ??= new Map();
      this.#more.set(key, entry);
    }
  }

  delete(key: string): void {
    if (this.#oneKey === key) {
      this.#oneKey = null;
      this.#one = null;
    } else {
      this.#more?.delete(key);
    }
  }

  get size(): number {
    return (this.#oneKey === null ? 0 : 1) + (this.#more?.size ?? 0);
  }
}

/** One condition of a chain as removal finds it again: the state it leaves, the transition and its key. */
interface BranchStep {
  readonly from: NameState;
  readonly transition: Transition;
  readonly key: string;
}

class RuleRecord {
  stamp = 0;
  /** Each chain's conditions in chain order; the states are found again from them on removal. */
  chains: (readonly FieldCondition[])[] = [];
  readonly id: string;
  readonly pattern: CompiledPattern;
  constructor(id: string, pattern: CompiledPattern) {
    this.id = id;
    this.pattern = pattern;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** A field with more leaves than this is followed by array element once elements are picked. */
const GROUP_ABOVE_LEAVES = 16;

/** A set of rules compiled together; `match` returns the ids of the rules an event matches. */
export class RuleMatcher {
  #root = new NameState();
  #paths = new PathRegistry();
  #rules = new Map<string, RuleRecord>();
  readonly #fields = new EventFields();
  readonly #options: PatternOptions;
  readonly #stack = new TargetStack<NameState>();
  #picks = new Int32Array(16).fill(-1);
  #undo = new Int32Array(16);
  #undoTop = 0;
  #epoch = 0;
  #markSeq = 0;
  #results: string[] | readonly string[] = EMPTY;

  /** `options` apply to patterns given as text or objects (dialect and limits). */
  constructor(options: PatternOptions = {}) {
    this.#options = options;
  }

  /** Number of rules. */
  get size(): number {
    return this.#rules.size;
  }

  /** True when a rule with this id is present. */
  has(ruleId: string): boolean {
    return this.#rules.has(ruleId);
  }

  /** Adds (or replaces) a rule. The pattern may be compiled already, or text/object to compile with the options. */
  add(ruleId: string, pattern: CompiledPattern | string | object): void {
    const compiled = isCompiled(pattern) ? pattern : compilePattern(pattern, this.#options);
    if (this.#rules.has(ruleId)) this.remove(ruleId);
    const record = new RuleRecord(ruleId, compiled);
    for (const branch of compiled.branches.flatMap(splitExactLists)) {
      const chain = ordered(branch, (c) => this.#paths.uses(c.steps));
      let state = this.#root;
      for (const condition of chain) {
        const fieldId = this.#paths.acquire(condition.steps);
        let transition = state.transitions.find((t) => t.fieldId === fieldId);
        if (transition === undefined) {
          transition = new Transition(fieldId);
          state.transitions = grown(state.transitions, transition);
        }
        const key = conditionKey(condition);
        let entry = transition.get(key);
        if (entry === undefined) {
          entry = { state: new NameState(), tests: condition.tests, refs: 0 };
          transition.set(key, entry);
          for (const test of condition.tests) transition.add(test, entry.state);
        }
        entry.refs++;
        state = entry.state;
      }
      state.rules = state.rules === null ? [record] : grown(state.rules, record);
      record.chains = grown(record.chains, chain);
    }
    this.#rules.set(ruleId, record);
  }

  /** Removes a rule; returns false when there was none with this id. */
  remove(ruleId: string): boolean {
    const record = this.#rules.get(ruleId);
    if (record === undefined) return false;
    this.#rules.delete(ruleId);
    for (const chain of record.chains) {
      const steps = this.#stepsOf(chain);
      const last = steps[steps.length - 1];
      const end = last === undefined ? this.#root : (last.transition.get(last.key) as ConditionEntry).state;
      if (end.rules !== null) {
        end.rules.splice(end.rules.indexOf(record), 1);
        if (end.rules.length === 0) end.rules = null;
      }
      for (let i = steps.length - 1; i >= 0; i--) {
        const step = steps[i] as BranchStep;
        const entry = step.transition.get(step.key) as ConditionEntry;
        entry.refs--;
        this.#paths.release((chain[i] as FieldCondition).steps);
        if (entry.refs > 0) continue;
        step.transition.delete(step.key);
        for (const test of entry.tests) step.transition.remove(test, entry.state);
        if (step.transition.size === 0) {
          step.from.transitions = step.from.transitions.filter((t) => t !== step.transition);
        }
      }
    }
    return true;
  }

  /** The states a chain of a present rule passes through, found again from its conditions. */
  #stepsOf(chain: readonly FieldCondition[]): BranchStep[] {
    const steps: BranchStep[] = [];
    let state = this.#root;
    for (const condition of chain) {
      const fieldId = this.#paths.fieldId(condition.steps);
      const transition = state.transitions.find((t) => t.fieldId === fieldId) as Transition;
      const key = conditionKey(condition);
      steps.push({ from: state, transition, key });
      state = (transition.get(key) as ConditionEntry).state;
    }
    return steps;
  }

  /**
   * Rebuilds the automaton with the rules in chain order, so that states walked together were allocated
   * together: after rules arrived in random order this makes matching large rule sets markedly faster (cache
   * locality; see docs/benchmarks.md). Costs about as much as adding every rule again; results do not change.
   */
  compact(): void {
    const chainKey = (record: RuleRecord) => record.chains[0]?.map(conditionKey).join('\u0001') ?? '';
    const records = [...this.#rules.values()]
      .map((record) => ({ record, key: chainKey(record) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.#root = new NameState();
    this.#paths = new PathRegistry();
    this.#rules = new Map();
    for (const { record } of records) this.add(record.id, record.pattern);
  }

  /** The compiled pattern of a rule. */
  get(ruleId: string): CompiledPattern | undefined {
    return this.#rules.get(ruleId)?.pattern;
  }

  /** Ids of the rules matching a parsed event (a fresh array; a shared empty one when nothing matches). */
  match(event: unknown): readonly string[] {
    this.#fields.reset(this.#paths.capacity);
    collectParsed(this.#paths.root, event, this.#fields);
    return this.#run();
  }

  /** Ids of the rules matching an event given as JSON text or UTF-8 bytes; only named fields are decoded. */
  matchJson(json: string | Uint8Array): readonly string[] {
    this.#fields.reset(this.#paths.capacity);
    const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
    collectRaw(this.#paths.root, bytes, this.#fields);
    return this.#run();
  }

  #run(): readonly string[] {
    this.#epoch++;
    this.#results = EMPTY;
    const arrays = this.#fields.arrayCount;
    if (this.#picks.length < arrays) {
      this.#picks = new Int32Array(arrays * 2).fill(-1);
      this.#undo = new Int32Array(arrays * 2);
    }
    this.#undoTop = 0;
    this.#visit(this.#root);
    const results = this.#results;
    this.#results = EMPTY;
    return results;
  }

  #visit(state: NameState): void {
    const rules = state.rules;
    if (rules !== null) {
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i] as RuleRecord;
        if (rule.stamp === this.#epoch) continue;
        rule.stamp = this.#epoch;
        if (this.#results === EMPTY) this.#results = [];
        (this.#results as string[]).push(rule.id);
      }
    }
    const transitions = state.transitions;
    const fields = this.#fields;
    for (let t = 0; t < transitions.length; t++) {
      const transition = transitions[t] as Transition;
      let leaf = fields.first(transition.fieldId);
      if (leaf < 0) {
        const absent = transition.absent;
        if (absent !== null) for (let i = 0; i < absent.length; i++) this.#visit(absent[i] as NameState);
        continue;
      }
      if (this.#undoTop > 0 && fields.count(transition.fieldId) > GROUP_ABOVE_LEAVES) {
        this.#visitPicked(transition, fields.groups(transition.fieldId));
        continue;
      }
      for (; leaf >= 0; leaf = fields.leafNext[leaf] as number) this.#take(transition, leaf);
    }
  }

  /** Follows a field's many leaves when array elements are picked: only those in the picked elements. */
  #visitPicked(transition: Transition, groups: LeafGroups): void {
    for (let i = 0; i < groups.free.length; i++) this.#take(transition, groups.free[i] as number);
    for (const [array, elements] of groups.arrays) {
      const picked = this.#picks[array] as number;
      if (picked >= 0) {
        const leaves = elements.get(picked);
        if (leaves !== undefined)
          for (let i = 0; i < leaves.length; i++) this.#take(transition, leaves[i] as number);
      } else {
        for (const leaves of elements.values())
          for (let i = 0; i < leaves.length; i++) this.#take(transition, leaves[i] as number);
      }
    }
  }

  /** Follows one leaf of a transition's field: picks its array elements, collects and visits the next states. */
  #take(transition: Transition, leaf: number): void {
    const fields = this.#fields;
    const stack = this.#stack;
    const chain = fields.leafChain[leaf] as number;
    const undoMark = this.#undoTop;
    if (chain >= 0 && !this.#pick(chain)) return;
    const base = stack.top;
    transition.collect(fields.values[leaf] as string, stack);
    const items = stack.items;
    if (stack.top === base + 1) {
      // One target (the common case): nothing to dedupe.
      this.#visit(items[base] as NameState);
      stack.top = base;
      this.#unpick(undoMark);
      return;
    }
    // Dedupe before visiting: nested visits reuse the marks.
    const seq = ++this.#markSeq;
    let end = base;
    for (let i = base; i < stack.top; i++) {
      const next = items[i] as NameState;
      if (next.mark === seq) continue;
      next.mark = seq;
      items[end++] = next;
    }
    stack.top = end;
    for (let i = base; i < end; i++) this.#visit(items[i] as NameState);
    stack.top = base;
    this.#unpick(undoMark);
  }

  /** Takes the array elements of a leaf's chain; false (and nothing taken) if they conflict with earlier picks. */
  #pick(chain: number): boolean {
    const fields = this.#fields;
    const picks = this.#picks;
    const mark = this.#undoTop;
    for (let link = chain; link >= 0; link = fields.chainParent[link] as number) {
      const array = fields.chainArray[link] as number;
      const index = fields.chainIndex[link] as number;
      const current = picks[array] as number;
      if (current === -1) {
        picks[array] = index;
        this.#undo[this.#undoTop++] = array;
      } else if (current !== index) {
        this.#unpick(mark);
        return false;
      }
    }
    return true;
  }

  #unpick(mark: number): void {
    while (this.#undoTop > mark) this.#picks[this.#undo[--this.#undoTop] as number] = -1;
  }
}

/**
 * Appends by copying while the list is short, so long-lived small lists have exact capacity (a pushed-to
 * empty array reserves room for 17 elements); long lists grow in place.
 */
function grown<T>(list: T[], item: T): T[] {
  if (list.length >= 16) {
    list.push(item);
    return list;
  }
  return [...list, item];
}

function isCompiled(pattern: unknown): pattern is CompiledPattern {
  return (
    typeof pattern === 'object' &&
    pattern !== null &&
    Array.isArray((pattern as CompiledPattern).branches) &&
    typeof (pattern as CompiledPattern).source === 'string' &&
    typeof (pattern as CompiledPattern).dialect === 'string'
  );
}
