/**
 * Many rules compiled into one automaton, in the spirit of event-ruler: each rule branch is a sequence of field
 * conditions; branches share states while their leading conditions are equal, so matching an event follows only
 * the transitions its own field values select, and the cost grows with the event, not with the number of rules.
 * Adding or removing a rule touches only the states on its own branches.
 */

import { conditionKey, ordered, splitExactLists } from './condition-chain.ts';
import { collectParsed, EventFields, type LeafGroups, PathRegistry, UNKNOWN_VALUE } from './event-fields.ts';
import { PairTable, ValueIds } from './exact-values.ts';
import { FieldMatcher, TargetStack } from './field-matcher.ts';
import { ListArena } from './list-arena.ts';
import { compilePattern, type PatternOptions } from './pattern-parser.ts';
import type { CompiledPattern, FieldCondition, ValueTest } from './pattern-types.ts';
import { collectRaw } from './raw-event-scanner.ts';
import type { Leaf } from './value-tests.ts';
import { type WildcardProgram, wildcardMatches } from './wildcard.ts';

// A state is a row of S_WIDTH words in the node arena: its transitions list and its further rules list (each an
// arena slot of offset, length, capacity class), the dedupe mark used while matching, and its first rule.
const S_TRANS = 0;
const S_RULES = 3;
const S_MARK = 6;
/** The number of the first rule whose branch ends here (-1 for none); further ones are in the rules list. */
const S_RULE1 = 7;
const S_WIDTH = 8;
const ROOT = 0;

// A transition is a record of T_WIDTH words in its state's list.
/** fieldId << 3 | HAS_TESTS | HAS_ABSENT | SIBLING. */
const T_FIELD = 0;
/** The transition's key: its id in the exact-value table and the side tables. */
const T_KEY = 1;
/** NO_EXACT, MANY_EXACT, or the id of the transition's one exact value. */
const T_VALUE = 2;
/** The one exact value's target when it has one, else -1. */
const T_TARGET = 3;
/**
 * When the transition's only test besides exact values is one of the common kinds, it is kept inline: its kind
 * (ONE_*, with flags), its target and two words of operands. Otherwise NO_TEST, and a FieldMatcher holds them.
 */
const T_ONE = 4;
const T_ONE_TARGET = 5;
const T_ONE_A = 6;
const T_ONE_B = 7;
const T_WIDTH = 8;

/** The transition has tests besides exact values that are not inline, in a FieldMatcher. */
const HAS_TESTS = 1;
/** Its FieldMatcher has `exists: false` targets. */
const HAS_ABSENT = 2;
/**
 * A further record of the same transition: a transition with a few exact values or a few tests of the kinds kept
 * inline spreads them over records side by side, one of each per record, instead of a hash probe or a FieldMatcher.
 */
const SIBLING = 4;
const FIELD_SHIFT = 3;
/** Most exact values, and most inline tests, a transition spreads over its records. */
const MAX_SPREAD = 4;

const NO_TEST = 0;
/** `exists: true`: every leaf passes. */
const ONE_EXISTS = 1;
/** `exists: false`: taken when the field has no leaf. */
const ONE_ABSENT = 2;
/**
 * A numeric range: bounds that are 32-bit integers or infinite in the operand words (INT_BOUNDS), others at the
 * operand slot (T_ONE_A) of `#bounds`; openness in the flags below.
 */
const ONE_RANGE = 3;
/**
 * A case-sensitive prefix, kept at its operand slot of `#texts`; its length in the high half of T_ONE and a
 * fingerprint of it in T_ONE_B, so that most strings are turned away without reading the (cold) prefix.
 */
const ONE_PREFIX = 4;
/** anything-but of one or two strings: their value ids in the operand words (NO_ID when unused). */
const ONE_EXCEPT = 5;
/** A wildcard, its program at its operand slot of `#programs`; its literal head fingerprinted as a prefix's. */
const ONE_WILDCARD = 6;
const KIND_MASK = 15;
const LOW_OPEN = 16;
const HIGH_OPEN = 32;
const INT_BOUNDS = 64;
const NO_LOW = 128;
const NO_HIGH = 256;
/** Where a prefix's length sits in T_ONE; longer prefixes are fingerprinted by their first MAX_PRINTED units. */
const LENGTH_SHIFT = 16;
const MAX_PRINTED = 0x7fff;
/** An operand word that no value id equals. */
const NO_ID = -3;
const NO_EXACT = -1;
const MANY_EXACT = -2;
/** In the exact-value table: the value has several targets, listed in the transition's exact map. */
const SEVERAL = -2;

interface ConditionEntry {
  readonly state: number;
  readonly tests: readonly ValueTest[];
  refs: number;
}

/** One condition of a chain as removal finds it again: the state it leaves, the transition key and its condition key. */
interface BranchStep {
  readonly from: number;
  readonly key: number;
  readonly condition: string;
}

class RuleRecord {
  /** Each chain's conditions in chain order; the states are found again from them on removal. */
  chains: (readonly FieldCondition[])[] = [];
  readonly id: string;
  readonly no: number;
  readonly pattern: CompiledPattern;
  constructor(id: string, no: number, pattern: CompiledPattern) {
    this.id = id;
    this.no = no;
    this.pattern = pattern;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** Rules matched by one event that are deduplicated by a list scan; beyond, by stamps per rule. */
const FEW_MATCHES = 8;

/** A field with more leaves than this is followed by array element once elements are picked. */
const GROUP_ABOVE_LEAVES = 16;

/** The exact value a test compares with, or undefined for tests that are not one exact value. */
function exactValue(test: ValueTest): { value: Leaf } | undefined {
  switch (test.kind) {
    case 'exact-string':
    case 'exact-number':
    case 'exact-literal':
      return { value: test.value };
    case 'numeric':
      return test.low === test.high ? { value: test.low === 0 ? 0 : test.low } : undefined;
    case 'wildcard':
      return test.program.pieces.length === 1 ? { value: test.program.pieces[0] as string } : undefined;
    default:
      return undefined;
  }
}

/** FNV-1a over the first `n` UTF-16 units of a string, as a 32-bit integer. */
function fingerprint(s: string, n: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function isInt32(x: number): boolean {
  return (x | 0) === x;
}

/** The inline kind (ONE_*) a lone test is kept as, or NO_TEST when it needs a FieldMatcher. */
function inlineKind(test: ValueTest): number {
  switch (test.kind) {
    case 'exists':
      return test.value ? ONE_EXISTS : ONE_ABSENT;
    case 'numeric':
      return ONE_RANGE;
    case 'prefix':
      return test.ignoreCase ? NO_TEST : ONE_PREFIX;
    case 'wildcard':
      return ONE_WILDCARD;
    case 'anything-but':
      return test.numbers.length === 0 && test.strings.length <= 2 ? ONE_EXCEPT : NO_TEST;
    default:
      return NO_TEST;
  }
}

/**
 * A set of rules compiled together; `match` returns the ids of the rules an event matches. The automaton is
 * integers in typed arrays (states, their transition and rule lists, one exact-value table), so a state costs a
 * cache line or two and the garbage collector never walks it; what only adding and removing rules reads (each
 * transition's conditions and its non-exact value tests) lives in side tables by transition key.
 */
export class RuleMatcher {
  #paths = new PathRegistry();
  #rules = new Map<string, RuleRecord>();
  /** Rule ids by rule number (what matching returns; the records stay cold). */
  #ids: (string | undefined)[] = [];
  #freeNos: number[] = [];
  #ruleStamps = new Int32Array(64);
  #freeStates: number[] = [];
  /** State rows and transition lists, in one arena: a new state's first transitions sit right after its row. */
  #nodes = new ListArena(T_WIDTH);
  #ruleLists = new ListArena(1);
  #values = new ValueIds();
  #pairs = new PairTable();
  #keyCount = 0;
  #freeKeys: number[] = [];
  /** Per transition key: the state it leaves, its field, its conditions, exact values and other tests. */
  #keyFrom: number[] = [];
  #keyField: number[] = [];
  #conditions: (Map<string, ConditionEntry> | undefined)[] = [];
  #exacts: (Map<number, { value: Leaf; targets: number[] }> | undefined)[] = [];
  /** The tests besides exact values, and a FieldMatcher of them once there are two or more. */
  #others: ({ test: ValueTest; target: number }[] | undefined)[] = [];
  #tests: (FieldMatcher<number> | undefined)[] = [];
  /** Operands of inline tests, by operand slot; the slots each transition holds. */
  #bounds = new Float64Array(64);
  #texts: (string | undefined)[] = [];
  #programs: (WildcardProgram | undefined)[] = [];
  #slotCount = 0;
  #freeSlots: number[] = [];
  #slotsOf: (number[] | undefined)[] = [];
  readonly #fields = new EventFields();
  readonly #options: PatternOptions;
  readonly #stack = new TargetStack<number>();
  #picks = new Int32Array(16).fill(-1);
  #undo = new Int32Array(16);
  #undoTop = 0;
  #epoch = 0;
  #markSeq = 0;
  #results: string[] | readonly string[] = EMPTY;
  /** The numbers of the rules matched so far by this event, while there are few (then `#ruleStamps`). */
  readonly #matched = new Int32Array(FEW_MATCHES);
  #matchedCount = 0;

  /** `options` apply to patterns given as text or objects (dialect and limits). */
  constructor(options: PatternOptions = {}) {
    this.#options = options;
    this.#newState();
  }

  /** Number of rules. */
  get size(): number {
    return this.#rules.size;
  }

  /** True when a rule with this id is present. */
  has(ruleId: string): boolean {
    return this.#rules.has(ruleId);
  }

  /** Bytes of typed arrays the automaton holds (outside the JS heap's object count; for memory accounting). */
  get tableBytes(): number {
    return (
      this.#nodes.data.byteLength +
      this.#ruleLists.data.byteLength +
      this.#pairs.bytes +
      this.#ruleStamps.byteLength
    );
  }

  /** Adds (or replaces) a rule. The pattern may be compiled already, or text/object to compile with the options. */
  add(ruleId: string, pattern: CompiledPattern | string | object): void {
    const compiled = isCompiled(pattern) ? pattern : compilePattern(pattern, this.#options);
    if (this.#rules.has(ruleId)) this.remove(ruleId);
    const no = this.#freeNos.pop() ?? this.#ids.length;
    const record = new RuleRecord(ruleId, no, compiled);
    this.#ids[no] = ruleId;
    if (no >= this.#ruleStamps.length) this.#ruleStamps = grownTo(this.#ruleStamps, no + 1);
    this.#ruleStamps[no] = 0;
    for (const branch of compiled.branches.flatMap(splitExactLists)) {
      const chain = ordered(branch, (c) => this.#paths.uses(c.steps));
      let state = ROOT;
      for (const condition of chain) {
        const fieldId = this.#paths.acquire(condition.steps);
        let key = this.#find(state, fieldId);
        if (key < 0) key = this.#newTransition(state, fieldId);
        const conditions = this.#conditions[key] as Map<string, ConditionEntry>;
        const name = conditionKey(condition);
        let entry = conditions.get(name);
        if (entry === undefined) {
          entry = { state: this.#newState(), tests: condition.tests, refs: 0 };
          conditions.set(name, entry);
          for (const test of condition.tests) this.#editTest(key, test, entry.state, true);
          this.#layout(key);
        }
        entry.refs++;
        state = entry.state;
      }
      if (this.#nodes.data[state * S_WIDTH + S_RULE1] === -1)
        this.#nodes.data[state * S_WIDTH + S_RULE1] = no;
      else {
        const at = this.#ruleLists.append(this.#nodes.data, state * S_WIDTH + S_RULES);
        this.#ruleLists.data[at] = no;
      }
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
      const end = last === undefined ? ROOT : this.#entry(last).state;
      this.#removeRuleAt(end, record.no);
      for (let i = steps.length - 1; i >= 0; i--) {
        const step = steps[i] as BranchStep;
        const entry = this.#entry(step);
        entry.refs--;
        this.#paths.release((chain[i] as FieldCondition).steps);
        if (entry.refs > 0) continue;
        const conditions = this.#conditions[step.key] as Map<string, ConditionEntry>;
        conditions.delete(step.condition);
        for (const test of entry.tests) this.#editTest(step.key, test, entry.state, false);
        this.#freeState(entry.state);
        if (conditions.size === 0) this.#removeTransition(step.key);
        else this.#layout(step.key);
      }
    }
    this.#ids[record.no] = undefined;
    this.#freeNos.push(record.no);
    return true;
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
    this.#paths = new PathRegistry();
    this.#rules = new Map();
    this.#ids = [];
    this.#freeNos = [];
    this.#freeStates = [];
    this.#nodes = new ListArena(T_WIDTH);
    this.#ruleLists = new ListArena(1);
    this.#values = new ValueIds();
    this.#pairs = new PairTable();
    this.#keyCount = 0;
    this.#freeKeys = [];
    this.#keyFrom = [];
    this.#keyField = [];
    this.#conditions = [];
    this.#exacts = [];
    this.#others = [];
    this.#tests = [];
    this.#bounds = new Float64Array(64);
    this.#texts = [];
    this.#programs = [];
    this.#slotCount = 0;
    this.#freeSlots = [];
    this.#slotsOf = [];
    this.#newState();
    for (const { record } of records) this.add(record.id, record.pattern);
  }

  /** The compiled pattern of a rule. */
  get(ruleId: string): CompiledPattern | undefined {
    return this.#rules.get(ruleId)?.pattern;
  }

  #newState(): number {
    const reused = this.#freeStates.pop();
    if (reused !== undefined) {
      // Its lists were emptied before it was freed.
      this.#nodes.data[reused * S_WIDTH + S_MARK] = 0;
      return reused;
    }
    // The row and a block for its first transition, side by side: visiting the state then reads one place.
    const row = this.#nodes.allocate(1);
    const data = this.#nodes.data;
    data.fill(0, row, row + S_WIDTH);
    data[row + S_TRANS] = row + S_WIDTH;
    data[row + S_RULES] = -1;
    data[row + S_RULE1] = -1;
    return row / S_WIDTH;
  }

  #freeState(state: number): void {
    this.#freeStates.push(state);
  }

  /** The key of the transition on `fieldId` leaving `state`, or -1. */
  #find(state: number, fieldId: number): number {
    const row = state * S_WIDTH;
    const data = this.#nodes.data;
    const start = this.#nodes.data[row + S_TRANS] as number;
    const end = start + (this.#nodes.data[row + S_TRANS + 1] as number) * T_WIDTH;
    for (let o = start; o < end; o += T_WIDTH) {
      const word = data[o + T_FIELD] as number;
      if (word >> FIELD_SHIFT === fieldId && (word & SIBLING) === 0) return data[o + T_KEY] as number;
    }
    return -1;
  }

  /** The word offset of a transition's record in its state's list. */
  #recordOf(key: number): number {
    const row = (this.#keyFrom[key] as number) * S_WIDTH;
    const data = this.#nodes.data;
    const start = this.#nodes.data[row + S_TRANS] as number;
    const end = start + (this.#nodes.data[row + S_TRANS + 1] as number) * T_WIDTH;
    for (let o = start; o < end; o += T_WIDTH) {
      if (data[o + T_KEY] === key && ((data[o + T_FIELD] as number) & SIBLING) === 0) return o;
    }
    throw new Error(`transition ${key} is not in its state`);
  }

  #newTransition(state: number, fieldId: number): number {
    const key = this.#freeKeys.pop() ?? this.#keyCount++;
    this.#keyFrom[key] = state;
    this.#keyField[key] = fieldId;
    this.#conditions[key] = new Map();
    this.#exacts[key] = undefined;
    this.#others[key] = undefined;
    this.#tests[key] = undefined;
    const o = this.#nodes.append(this.#nodes.data, state * S_WIDTH + S_TRANS);
    const data = this.#nodes.data;
    this.#slotsOf[key] = undefined;
    this.#write(o, fieldId << FIELD_SHIFT, key);
    return key;
  }

  #removeTransition(key: number): void {
    this.#dropSiblings(key);
    const row = (this.#keyFrom[key] as number) * S_WIDTH;
    const index = (this.#recordOf(key) - (this.#nodes.data[row + S_TRANS] as number)) / T_WIDTH;
    this.#nodes.removeAt(this.#nodes.data, row + S_TRANS, index);
    this.#conditions[key] = undefined;
    this.#exacts[key] = undefined;
    this.#others[key] = undefined;
    this.#tests[key] = undefined;
    this.#freeOperands(key);
    this.#freeKeys.push(key);
  }

  /** Adds or removes one value test of a transition's condition leading to `target`. */
  #editTest(key: number, test: ValueTest, target: number, add: boolean): void {
    const exact = exactValue(test);
    if (exact === undefined) {
      let others = this.#others[key];
      if (others === undefined) {
        others = [];
        this.#others[key] = others;
      }
      if (add) others.push({ test, target });
      else
        others.splice(
          others.findIndex((o) => o.test === test && o.target === target),
          1,
        );
      if (test.kind === 'anything-but') {
        for (const value of test.strings) {
          if (add) this.#values.acquire(value);
          else this.#values.release(value);
        }
      }
      const tests = this.#tests[key];
      const spread = others.length <= MAX_SPREAD && others.every((o) => inlineKind(o.test) !== NO_TEST);
      if (spread) this.#tests[key] = undefined;
      else if (tests === undefined) {
        const built = new FieldMatcher<number>();
        for (const o of others) built.add(o.test, o.target);
        this.#tests[key] = built;
      } else if (add) tests.add(test, target);
      else tests.remove(test, target);
      return;
    }
    let exacts = this.#exacts[key];
    if (exacts === undefined) {
      exacts = new Map();
      this.#exacts[key] = exacts;
    }
    const id = add ? this.#values.acquire(exact.value) : this.#values.idOf(exact.value);
    const found = exacts.get(id);
    if (add) {
      if (found === undefined) exacts.set(id, { value: exact.value, targets: [target] });
      else {
        found.targets.push(target);
        this.#values.release(exact.value);
      }
    } else if (found !== undefined) {
      found.targets.splice(found.targets.indexOf(target), 1);
      if (found.targets.length === 0) {
        exacts.delete(id);
        this.#pairs.delete(key, id);
        this.#values.release(exact.value);
        return;
      }
    }
    const targets = (exacts.get(id) as { targets: number[] }).targets;
    this.#pairs.set(key, id, targets.length === 1 ? (targets[0] as number) : SEVERAL);
  }

  /** Writes one transition record: field word, key, and neither an exact value nor an inline test. */
  #write(o: number, word: number, key: number): void {
    const data = this.#nodes.data;
    data[o + T_FIELD] = word;
    data[o + T_KEY] = key;
    data[o + T_VALUE] = NO_EXACT;
    data[o + T_TARGET] = -1;
    data[o + T_ONE] = NO_TEST;
    data[o + T_ONE_TARGET] = -1;
    data[o + T_ONE_A] = NO_ID;
    data[o + T_ONE_B] = NO_ID;
  }

  /**
   * Lays a transition's tests out again after they changed: its exact values inline, one per record, when there
   * are at most MAX_SPREAD (else the primary record sends them to the exact-value table), and its other tests
   * likewise when all are of the inline kinds (else the primary record points at its FieldMatcher).
   */
  #layout(key: number): void {
    this.#dropSiblings(key);
    this.#freeOperands(key);
    const state = this.#keyFrom[key] as number;
    const field = (this.#keyField[key] as number) << FIELD_SHIFT;
    const exacts = [...(this.#exacts[key]?.entries() ?? [])];
    const others = this.#others[key] ?? [];
    const tests = this.#tests[key];
    const spreadExacts = exacts.length <= MAX_SPREAD;
    const spreadTests = tests === undefined;
    const records = Math.max(1, spreadExacts ? exacts.length : 1, spreadTests ? others.length : 1);
    for (let i = 0; i < records; i++) {
      let o: number;
      if (i === 0) {
        o = this.#recordOf(key);
        const flags = (tests?.hasTests ? HAS_TESTS : 0) | (tests?.absent != null ? HAS_ABSENT : 0);
        this.#write(o, field | flags, key);
      } else {
        o = this.#nodes.append(this.#nodes.data, state * S_WIDTH + S_TRANS);
        this.#write(o, field | SIBLING, key);
      }
      const data = this.#nodes.data;
      if (!spreadExacts && i === 0) data[o + T_VALUE] = MANY_EXACT;
      const exact = spreadExacts ? exacts[i] : undefined;
      if (exact !== undefined) {
        data[o + T_VALUE] = exact[0];
        if (exact[1].targets.length === 1) data[o + T_TARGET] = exact[1].targets[0] as number;
      }
      const other = spreadTests ? others[i] : undefined;
      if (other !== undefined) this.#inline(key, o, other.test, other.target);
    }
  }

  /** Removes a transition's sibling records from its state's list. */
  #dropSiblings(key: number): void {
    const row = (this.#keyFrom[key] as number) * S_WIDTH;
    const data = this.#nodes.data;
    const start = data[row + S_TRANS] as number;
    for (let i = (data[row + S_TRANS + 1] as number) - 1; i >= 0; i--) {
      const o = start + i * T_WIDTH;
      if (data[o + T_KEY] === key && ((data[o + T_FIELD] as number) & SIBLING) !== 0) {
        this.#nodes.removeAt(data, row + S_TRANS, i);
      }
    }
  }

  #freeOperands(key: number): void {
    for (const slot of this.#slotsOf[key] ?? []) {
      this.#texts[slot] = undefined;
      this.#programs[slot] = undefined;
      this.#freeSlots.push(slot);
    }
    this.#slotsOf[key] = undefined;
  }

  #operandSlot(key: number): number {
    const slot = this.#freeSlots.pop() ?? this.#slotCount++;
    if ((slot + 1) * 2 > this.#bounds.length) {
      const grown = new Float64Array(Math.max(this.#bounds.length * 2, (slot + 1) * 2));
      grown.set(this.#bounds);
      this.#bounds = grown;
    }
    let slots = this.#slotsOf[key];
    if (slots === undefined) {
      slots = [];
      this.#slotsOf[key] = slots;
    }
    slots.push(slot);
    return slot;
  }

  /** Writes one test inline into the record at `o` (see T_ONE). */
  #inline(key: number, o: number, test: ValueTest, target: number): void {
    const kind = inlineKind(test);
    const data = this.#nodes.data;
    data[o + T_ONE] = kind;
    data[o + T_ONE_TARGET] = target;
    if (test.kind === 'numeric') {
      let flags = kind | (test.lowOpen ? LOW_OPEN : 0) | (test.highOpen ? HIGH_OPEN : 0);
      if ((test.low === -Infinity || isInt32(test.low)) && (test.high === Infinity || isInt32(test.high))) {
        flags |= INT_BOUNDS | (test.low === -Infinity ? NO_LOW : 0) | (test.high === Infinity ? NO_HIGH : 0);
        if (test.low !== -Infinity) data[o + T_ONE_A] = test.low;
        if (test.high !== Infinity) data[o + T_ONE_B] = test.high;
      } else {
        const slot = this.#operandSlot(key);
        this.#bounds[slot * 2] = test.low;
        this.#bounds[slot * 2 + 1] = test.high;
        data[o + T_ONE_A] = slot;
      }
      data[o + T_ONE] = flags;
    } else if (test.kind === 'prefix' || test.kind === 'wildcard') {
      const slot = this.#operandSlot(key);
      const head = test.kind === 'prefix' ? test.value : (test.program.pieces[0] as string);
      const printed = Math.min(head.length, MAX_PRINTED);
      if (test.kind === 'prefix') this.#texts[slot] = test.value;
      else this.#programs[slot] = test.program;
      data[o + T_ONE] = kind | (printed << LENGTH_SHIFT);
      data[o + T_ONE_A] = slot;
      data[o + T_ONE_B] = fingerprint(head, printed);
    } else if (test.kind === 'anything-but') {
      test.strings.forEach((value, i) => {
        data[o + T_ONE_A + i] = this.#values.idOf(value);
      });
    }
  }

  #removeRuleAt(state: number, no: number): void {
    const slot = state * S_WIDTH + S_RULES;
    const start = this.#nodes.data[slot] as number;
    const length = this.#nodes.data[slot + 1] as number;
    const list = this.#ruleLists.data;
    if (this.#nodes.data[state * S_WIDTH + S_RULE1] === no) {
      this.#nodes.data[state * S_WIDTH + S_RULE1] = length > 0 ? (list[start] as number) : -1;
      if (length > 0) this.#ruleLists.removeAt(this.#nodes.data, slot, 0);
      return;
    }
    for (let i = 0; i < length; i++) {
      if (list[start + i] === no) {
        this.#ruleLists.removeAt(this.#nodes.data, slot, i);
        return;
      }
    }
  }

  #entry(step: BranchStep): ConditionEntry {
    return (this.#conditions[step.key] as Map<string, ConditionEntry>).get(step.condition) as ConditionEntry;
  }

  /** The states a chain of a present rule passes through, found again from its conditions. */
  #stepsOf(chain: readonly FieldCondition[]): BranchStep[] {
    const steps: BranchStep[] = [];
    let state = ROOT;
    for (const condition of chain) {
      const key = this.#find(state, this.#paths.fieldId(condition.steps));
      const step = { from: state, key, condition: conditionKey(condition) };
      steps.push(step);
      state = this.#entry(step).state;
    }
    return steps;
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
    this.#matchedCount = 0;
    const arrays = this.#fields.arrayCount;
    if (this.#picks.length < arrays) {
      this.#picks = new Int32Array(arrays * 2).fill(-1);
      this.#undo = new Int32Array(arrays * 2);
    }
    this.#undoTop = 0;
    this.#visit(ROOT);
    const results = this.#results;
    this.#results = EMPTY;
    return results;
  }

  #visit(state: number): void {
    const states = this.#nodes.data;
    const row = state * S_WIDTH;
    const first = states[row + S_RULE1] as number;
    if (first >= 0) {
      this.#emit(first);
      const more = states[row + S_RULES + 1] as number;
      if (more > 0) {
        const list = this.#ruleLists.data;
        const start = states[row + S_RULES] as number;
        for (let i = start; i < start + more; i++) this.#emit(list[i] as number);
      }
    }
    const count = states[row + S_TRANS + 1] as number;
    if (count === 0) return;
    const data = this.#nodes.data;
    const fields = this.#fields;
    const start = states[row + S_TRANS] as number;
    const end = start + count * T_WIDTH;
    for (let o = start; o < end; o += T_WIDTH) {
      const word = data[o + T_FIELD] as number;
      const fieldId = word >> FIELD_SHIFT;
      let leaf = fields.first(fieldId);
      if (leaf < 0) {
        if (data[o + T_ONE] === ONE_ABSENT) this.#visit(data[o + T_ONE_TARGET] as number);
        if ((word & HAS_ABSENT) !== 0) {
          const absent = (this.#tests[data[o + T_KEY] as number] as FieldMatcher<number>).absent as number[];
          for (let i = 0; i < absent.length; i++) this.#visit(absent[i] as number);
        }
        continue;
      }
      if (this.#undoTop > 0 && fields.count(fieldId) > GROUP_ABOVE_LEAVES) {
        this.#visitPicked(o, fields.groups(fieldId));
        continue;
      }
      for (; leaf >= 0; leaf = fields.leafNext[leaf] as number) this.#take(o, leaf);
    }
  }

  /** Adds a rule to the results, once per event. */
  #emit(no: number): void {
    const count = this.#matchedCount;
    const matched = this.#matched;
    if (count < FEW_MATCHES) {
      // Few so far: look through them, which spares a read of the (cold) stamp table.
      for (let i = 0; i < count; i++) if (matched[i] === no) return;
      matched[count] = no;
    } else {
      if (count === FEW_MATCHES)
        for (let i = 0; i < count; i++) this.#ruleStamps[matched[i] as number] = this.#epoch;
      if (this.#ruleStamps[no] === this.#epoch) return;
      this.#ruleStamps[no] = this.#epoch;
    }
    this.#matchedCount = count + 1;
    if (this.#results === EMPTY) this.#results = [];
    (this.#results as string[]).push(this.#ids[no] as string);
  }

  /** Follows a field's many leaves when array elements are picked: only those in the picked elements. */
  #visitPicked(o: number, groups: LeafGroups): void {
    for (let i = 0; i < groups.free.length; i++) this.#take(o, groups.free[i] as number);
    for (const [array, elements] of groups.arrays) {
      const picked = this.#picks[array] as number;
      if (picked >= 0) {
        const leaves = elements.get(picked);
        if (leaves !== undefined) for (let i = 0; i < leaves.length; i++) this.#take(o, leaves[i] as number);
      } else {
        for (const leaves of elements.values())
          for (let i = 0; i < leaves.length; i++) this.#take(o, leaves[i] as number);
      }
    }
  }

  /** The value id of a leaf (looked up once per event), or -1 when no condition names its value. */
  #valueId(leaf: number): number {
    const fields = this.#fields;
    let id = fields.valueIds[leaf] as number;
    if (id === UNKNOWN_VALUE) {
      id = this.#values.idOf(fields.values[leaf] as Leaf);
      fields.valueIds[leaf] = id;
    }
    return id;
  }

  /** Whether a leaf passes the inline test `single` (a T_ONE word) of the transition `key`. */
  #passes(single: number, o: number, leaf: number): boolean {
    const value = this.#fields.values[leaf] as Leaf;
    const data = this.#nodes.data;
    switch (single & KIND_MASK) {
      case ONE_EXISTS:
        return true;
      case ONE_RANGE: {
        if (typeof value !== 'number') return false;
        let low: number;
        let high: number;
        if ((single & INT_BOUNDS) !== 0) {
          low = (single & NO_LOW) !== 0 ? -Infinity : (data[o + T_ONE_A] as number);
          high = (single & NO_HIGH) !== 0 ? Infinity : (data[o + T_ONE_B] as number);
        } else {
          const slot = data[o + T_ONE_A] as number;
          low = this.#bounds[slot * 2] as number;
          high = this.#bounds[slot * 2 + 1] as number;
        }
        return (
          ((single & LOW_OPEN) !== 0 ? value > low : value >= low) &&
          ((single & HIGH_OPEN) !== 0 ? value < high : value <= high)
        );
      }
      case ONE_PREFIX:
      case ONE_WILDCARD: {
        if (typeof value !== 'string') return false;
        const printed = single >>> LENGTH_SHIFT;
        if (value.length < printed || fingerprint(value, printed) !== data[o + T_ONE_B]) return false;
        const slot = data[o + T_ONE_A] as number;
        return (single & KIND_MASK) === ONE_PREFIX
          ? value.startsWith(this.#texts[slot] as string)
          : wildcardMatches(this.#programs[slot] as WildcardProgram, value);
      }
      case ONE_EXCEPT: {
        if (typeof value !== 'string') return true;
        const id = this.#valueId(leaf);
        return id < 0 || (id !== data[o + T_ONE_A] && id !== data[o + T_ONE_B]);
      }
      default:
        return false;
    }
  }

  /** Pushes the targets of the transition at `o` that a leaf's value passes. */
  #collect(o: number, leaf: number): void {
    const data = this.#nodes.data;
    const fields = this.#fields;
    const stack = this.#stack;
    const one = data[o + T_VALUE] as number;
    if (one !== NO_EXACT) {
      const id = this.#valueId(leaf);
      if (id >= 0) {
        let target = -1;
        if (one === id) {
          target = data[o + T_TARGET] as number;
          if (target < 0) target = SEVERAL;
        } else if (one === MANY_EXACT) target = this.#pairs.get(data[o + T_KEY] as number, id);
        if (target >= 0) stack.push(target);
        else if (target === SEVERAL) {
          const exacts = this.#exacts[data[o + T_KEY] as number] as Map<number, { targets: number[] }>;
          const targets = (exacts.get(id) as { targets: number[] }).targets;
          for (let i = 0; i < targets.length; i++) stack.push(targets[i] as number);
        }
      }
    }
    const single = data[o + T_ONE] as number;
    if (single !== NO_TEST && this.#passes(single, o, leaf)) {
      stack.push(data[o + T_ONE_TARGET] as number);
    }
    if (((data[o + T_FIELD] as number) & HAS_TESTS) !== 0) {
      (this.#tests[data[o + T_KEY] as number] as FieldMatcher<number>).collect(
        fields.values[leaf] as Leaf,
        stack,
      );
    }
  }

  /** Follows one leaf of a transition's field: picks its array elements, collects and visits the next states. */
  #take(o: number, leaf: number): void {
    const stack = this.#stack;
    const chain = this.#fields.leafChain[leaf] as number;
    const undoMark = this.#undoTop;
    if (chain >= 0 && !this.#pick(chain)) return;
    const base = stack.top;
    this.#collect(o, leaf);
    const items = stack.items;
    if (stack.top === base + 1) {
      // One target (the common case): nothing to dedupe.
      this.#visit(items[base] as number);
      stack.top = base;
      this.#unpick(undoMark);
      return;
    }
    // Dedupe before visiting: nested visits reuse the marks.
    const seq = ++this.#markSeq;
    const states = this.#nodes.data;
    let end = base;
    for (let i = base; i < stack.top; i++) {
      const next = items[i] as number;
      if (states[next * S_WIDTH + S_MARK] === seq) continue;
      states[next * S_WIDTH + S_MARK] = seq;
      items[end++] = next;
    }
    stack.top = end;
    for (let i = base; i < end; i++) this.#visit(items[i] as number);
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

function grownTo(a: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(length, a.length * 2));
  b.set(a);
  return b;
}
