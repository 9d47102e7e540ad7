/**
 * The rule automaton's structure in typed arrays, and its edits: states are rows and transitions records in a
 * ListArena (layout in automaton-layout.ts), exact values go to one interned value table and one pair table,
 * the common tests inline into records, the rest to a FieldMatcher per transition. What only edits read (each
 * transition's conditions, exact values and tests) lives in side tables by transition key. A chain of
 * conditions is added by following and creating transitions, and removed by reference counts, so adding and
 * removing a rule touches only its own chains.
 */
import {
  exactValue,
  FIELD_SHIFT,
  fingerprint,
  HAS_ABSENT,
  HAS_TESTS,
  HIGH_OPEN,
  INT_BOUNDS,
  inlineKind,
  isInt32,
  LENGTH_SHIFT,
  LOW_OPEN,
  MANY_EXACT,
  MAX_PRINTED,
  MAX_SPREAD,
  NO_EXACT,
  NO_HIGH,
  NO_ID,
  NO_LOW,
  NO_TEST,
  ROOT,
  S_MARK,
  S_RULE1,
  S_RULES,
  S_TRANS,
  S_WIDTH,
  SEVERAL,
  SIBLING,
  T_FIELD,
  T_KEY,
  T_ONE,
  T_ONE_A,
  T_ONE_B,
  T_ONE_TARGET,
  T_TARGET,
  T_VALUE,
  T_WIDTH,
} from './automaton-layout.ts';
import { PairTable, ValueIds } from './exact-values.ts';
import { FieldMatcher } from './field-matcher.ts';
import { ListArena } from './list-arena.ts';
import type { ValueTest } from './pattern-types.ts';
import { SmallMap } from './small-map.ts';
import type { Leaf } from './value-tests.ts';
import type { WildcardProgram } from './wildcard.ts';

/** One condition of a chain: the field it reads, its canonical text (equal conditions share a state), its tests. */
export interface ChainLink {
  readonly fieldId: number;
  readonly name: string;
  readonly tests: readonly ValueTest[];
}

interface ConditionEntry {
  readonly state: number;
  readonly tests: readonly ValueTest[];
  refs: number;
}

/** One condition of a chain as removal finds it again: its transition's key and its condition key. */
interface BranchStep {
  readonly key: number;
  readonly condition: string;
}

/** States, transitions and value tables of a set of rules; the walk (automaton-walk.ts) reads the public tables. */
export class Automaton {
  /** State rows and transition lists, in one arena: a new state's first transitions sit right after its row. */
  readonly nodes = new ListArena(T_WIDTH);
  /** Rule numbers of each state after its first. */
  readonly ruleLists = new ListArena(1);
  /** Interned exact values. */
  readonly values = new ValueIds();
  /** (transition key, value id) to next state(s), only for transitions with more exact values than MAX_SPREAD. */
  readonly pairs = new PairTable();
  /** Per transition key: its exact values with their next states. */
  readonly exacts: (SmallMap<number, { value: Leaf; targets: number[] }> | undefined)[] = [];
  /** Per transition key: its FieldMatcher, for tests that are not inline. */
  readonly tests: (FieldMatcher<number> | undefined)[] = [];
  /** Operands of inline tests, by operand slot. */
  bounds = new Float64Array(64);
  readonly texts: (string | undefined)[] = [];
  readonly programs: (WildcardProgram | undefined)[] = [];
  #freeStates: number[] = [];
  #keyCount = 0;
  readonly #freeKeys: number[] = [];
  /** Per transition key: the state it leaves, its field, its conditions and its tests besides exact values. */
  readonly #keyFrom: number[] = [];
  readonly #keyField: number[] = [];
  readonly #conditions: (SmallMap<string, ConditionEntry> | undefined)[] = [];
  readonly #others: ({ test: ValueTest; target: number }[] | undefined)[] = [];
  #slotCount = 0;
  readonly #freeSlots: number[] = [];
  readonly #slotsOf: (number[] | undefined)[] = [];

  constructor() {
    this.#newState();
  }

  /** Bytes of the typed arrays (outside the JS heap's object count; for memory accounting). */
  get tableBytes(): number {
    return (
      this.nodes.data.byteLength + this.ruleLists.data.byteLength + this.pairs.bytes + this.bounds.byteLength
    );
  }

  /**
   * A copy laid out breadth-first: every state's row in breadth-first order, then the transition lists in
   * the same order, so the first levels, which every event reads, sit together and stay in cache; the
   * deeper levels follow. Same states, rules and answers; used by `compact()`.
   */
  relaid(): Automaton {
    const order: number[] = [ROOT];
    for (let i = 0; i < order.length; i++) {
      for (const key of this.#keysOf(order[i] as number)) {
        for (const entry of (this.#conditions[key] as SmallMap<string, ConditionEntry>).values())
          order.push(entry.state);
      }
    }
    const copy = new Automaton();
    const to = new Map<number, number>([[ROOT, ROOT]]);
    for (let i = 1; i < order.length; i++) to.set(order[i] as number, copy.#newState());
    const moved = (state: number) => to.get(state) as number;
    for (const state of order) {
      for (const key of this.#keysOf(state)) {
        const field = this.#keyField[key] as number;
        const copied = copy.#newTransition(moved(state), field);
        const conditions = copy.#conditions[copied] as SmallMap<string, ConditionEntry>;
        for (const [name, entry] of (this.#conditions[key] as SmallMap<string, ConditionEntry>).entries()) {
          conditions.set(name, { state: moved(entry.state), tests: entry.tests, refs: entry.refs });
          for (const test of entry.tests) copy.#editTest(copied, test, moved(entry.state), true);
        }
        copy.#layout(copied);
      }
      const row = state * S_WIDTH;
      const first = this.nodes.data[row + S_RULE1] as number;
      if (first < 0) continue;
      const rules = [first];
      const start = this.nodes.data[row + S_RULES] as number;
      const more = this.nodes.data[row + S_RULES + 1] as number;
      for (let i = 0; i < more; i++) rules.push(this.ruleLists.data[start + i] as number);
      copy.#addRules(moved(state), rules);
    }
    return copy;
  }

  /** The keys of a state's transitions (primary records), in list order. */
  #keysOf(state: number): number[] {
    const data = this.nodes.data;
    const row = state * S_WIDTH;
    const start = data[row + S_TRANS] as number;
    const keys: number[] = [];
    for (let i = 0; i < (data[row + S_TRANS + 1] as number); i++) {
      const o = start + i * T_WIDTH;
      if (((data[o + T_FIELD] as number) & SIBLING) === 0) keys.push(data[o + T_KEY] as number);
    }
    return keys;
  }

  #addRules(state: number, rules: readonly number[]): void {
    const row = state * S_WIDTH;
    for (const rule of rules) {
      if (this.nodes.data[row + S_RULE1] === -1) this.nodes.data[row + S_RULE1] = rule;
      else {
        const at = this.ruleLists.append(this.nodes.data, row + S_RULES);
        this.ruleLists.data[at] = rule;
      }
    }
  }

  /** Follows a chain of conditions from the root, creating what is missing, and ends it with rule number `rule`. */
  addChain(links: readonly ChainLink[], rule: number): void {
    let state = ROOT;
    for (const link of links) {
      let key = this.#find(state, link.fieldId);
      if (key < 0) key = this.#newTransition(state, link.fieldId);
      const conditions = this.#conditions[key] as SmallMap<string, ConditionEntry>;
      let entry = conditions.get(link.name);
      if (entry === undefined) {
        entry = { state: this.#newState(), tests: link.tests, refs: 0 };
        conditions.set(link.name, entry);
        for (const test of link.tests) this.#editTest(key, test, entry.state, true);
        this.#layout(key);
      }
      entry.refs++;
      state = entry.state;
    }
    this.#addRules(state, [rule]);
  }

  /** Removes rule number `rule` from the end of a chain added before, and drops what no other chain uses. */
  removeChain(links: readonly ChainLink[], rule: number): void {
    const steps = this.#stepsOf(links);
    const last = steps[steps.length - 1];
    this.#removeRuleAt(last === undefined ? ROOT : this.#entry(last).state, rule);
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i] as BranchStep;
      const entry = this.#entry(step);
      entry.refs--;
      if (entry.refs > 0) continue;
      const conditions = this.#conditions[step.key] as SmallMap<string, ConditionEntry>;
      conditions.delete(step.condition);
      for (const test of entry.tests) this.#editTest(step.key, test, entry.state, false);
      this.#freeStates.push(entry.state);
      if (conditions.size === 0) this.#removeTransition(step.key);
      else this.#layout(step.key);
    }
  }

  #newState(): number {
    const reused = this.#freeStates.pop();
    if (reused !== undefined) {
      // Its lists were emptied before it was freed.
      this.nodes.data[reused * S_WIDTH + S_MARK] = 0;
      return reused;
    }
    // The row and a block for its first transition, side by side: visiting the state then reads one place.
    const row = this.nodes.allocate(1);
    const data = this.nodes.data;
    data.fill(0, row, row + S_WIDTH);
    data[row + S_TRANS] = row + S_WIDTH;
    data[row + S_RULES] = -1;
    data[row + S_RULE1] = -1;
    return row / S_WIDTH;
  }

  /** The word offset of the primary record of the transition on `fieldId` leaving `state`, or -1. */
  #primaryOf(state: number, fieldId: number): number {
    const row = state * S_WIDTH;
    const data = this.nodes.data;
    const start = data[row + S_TRANS] as number;
    const end = start + (data[row + S_TRANS + 1] as number) * T_WIDTH;
    for (let o = start; o < end; o += T_WIDTH) {
      const word = data[o + T_FIELD] as number;
      if (word >> FIELD_SHIFT === fieldId && (word & SIBLING) === 0) return o;
    }
    return -1;
  }

  /** The key of the transition on `fieldId` leaving `state`, or -1. */
  #find(state: number, fieldId: number): number {
    const o = this.#primaryOf(state, fieldId);
    return o < 0 ? -1 : (this.nodes.data[o + T_KEY] as number);
  }

  /** The word offset of a transition's record in its state's list. */
  #recordOf(key: number): number {
    const o = this.#primaryOf(this.#keyFrom[key] as number, this.#keyField[key] as number);
    if (o < 0) throw new Error(`transition ${key} is not in its state`);
    return o;
  }

  #newTransition(state: number, fieldId: number): number {
    const key = this.#freeKeys.pop() ?? this.#keyCount++;
    this.#keyFrom[key] = state;
    this.#keyField[key] = fieldId;
    this.#conditions[key] = new SmallMap();
    this.exacts[key] = undefined;
    this.#others[key] = undefined;
    this.tests[key] = undefined;
    const o = this.nodes.append(this.nodes.data, state * S_WIDTH + S_TRANS);
    this.#write(o, fieldId << FIELD_SHIFT, key);
    return key;
  }

  #removeTransition(key: number): void {
    this.#dropSiblings(key);
    const row = (this.#keyFrom[key] as number) * S_WIDTH;
    const index = (this.#recordOf(key) - (this.nodes.data[row + S_TRANS] as number)) / T_WIDTH;
    this.nodes.removeAt(this.nodes.data, row + S_TRANS, index);
    this.#conditions[key] = undefined;
    this.exacts[key] = undefined;
    this.#others[key] = undefined;
    this.tests[key] = undefined;
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
          if (add) this.values.acquire(value);
          else this.values.release(value);
        }
      }
      const tests = this.tests[key];
      const spread = others.length <= MAX_SPREAD && others.every((o) => inlineKind(o.test) !== NO_TEST);
      if (spread) this.tests[key] = undefined;
      else if (tests === undefined) {
        const built = new FieldMatcher<number>();
        for (const o of others) built.add(o.test, o.target);
        this.tests[key] = built;
      } else if (add) tests.add(test, target);
      else tests.remove(test, target);
      return;
    }
    let exacts = this.exacts[key];
    if (exacts === undefined) {
      exacts = new SmallMap();
      this.exacts[key] = exacts;
    }
    const id = add ? this.values.acquire(exact.value) : this.values.idOf(exact.value);
    const found = exacts.get(id);
    const before = exacts.size;
    if (add) {
      if (found === undefined) exacts.set(id, { value: exact.value, targets: [target] });
      else {
        found.targets.push(target);
        this.values.release(exact.value);
      }
    } else if (found !== undefined) {
      found.targets.splice(found.targets.indexOf(target), 1);
      if (found.targets.length === 0) {
        exacts.delete(id);
        this.values.release(exact.value);
      }
    }
    // Only a transition with more exact values than its records hold keeps them in the pair table.
    if (exacts.size > MAX_SPREAD) {
      if (before <= MAX_SPREAD) for (const other of exacts.keys()) this.#pair(key, other);
      else this.#pair(key, id);
    } else if (before > MAX_SPREAD) {
      this.pairs.delete(key, id);
      for (const other of exacts.keys()) this.pairs.delete(key, other);
    }
  }

  /** Writes a transition's exact value `id` into the pair table as it stands in its exact map (or removes it). */
  #pair(key: number, id: number): void {
    const targets = this.exacts[key]?.get(id)?.targets;
    if (targets === undefined) this.pairs.delete(key, id);
    else this.pairs.set(key, id, targets.length === 1 ? (targets[0] as number) : SEVERAL);
  }

  /** Writes one transition record: field word, key, and neither an exact value nor an inline test. */
  #write(o: number, word: number, key: number): void {
    const data = this.nodes.data;
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
    const exacts = [...(this.exacts[key]?.entries() ?? [])];
    const others = this.#others[key] ?? [];
    const tests = this.tests[key];
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
        o = this.nodes.append(this.nodes.data, state * S_WIDTH + S_TRANS);
        this.#write(o, field | SIBLING, key);
      }
      const data = this.nodes.data;
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
    const data = this.nodes.data;
    const start = data[row + S_TRANS] as number;
    for (let i = (data[row + S_TRANS + 1] as number) - 1; i >= 0; i--) {
      const o = start + i * T_WIDTH;
      if (data[o + T_KEY] === key && ((data[o + T_FIELD] as number) & SIBLING) !== 0) {
        this.nodes.removeAt(data, row + S_TRANS, i);
      }
    }
  }

  #freeOperands(key: number): void {
    for (const slot of this.#slotsOf[key] ?? []) {
      this.texts[slot] = undefined;
      this.programs[slot] = undefined;
      this.#freeSlots.push(slot);
    }
    this.#slotsOf[key] = undefined;
  }

  #operandSlot(key: number): number {
    const slot = this.#freeSlots.pop() ?? this.#slotCount++;
    if ((slot + 1) * 2 > this.bounds.length) {
      const grown = new Float64Array(Math.max(this.bounds.length * 2, (slot + 1) * 2));
      grown.set(this.bounds);
      this.bounds = grown;
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
    const data = this.nodes.data;
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
        this.bounds[slot * 2] = test.low;
        this.bounds[slot * 2 + 1] = test.high;
        data[o + T_ONE_A] = slot;
      }
      data[o + T_ONE] = flags;
    } else if (test.kind === 'prefix' || test.kind === 'wildcard') {
      const slot = this.#operandSlot(key);
      const head = test.kind === 'prefix' ? test.value : (test.program.pieces[0] as string);
      const printed = Math.min(head.length, MAX_PRINTED);
      if (test.kind === 'prefix') this.texts[slot] = test.value;
      else this.programs[slot] = test.program;
      data[o + T_ONE] = kind | (printed << LENGTH_SHIFT);
      data[o + T_ONE_A] = slot;
      data[o + T_ONE_B] = fingerprint(head, printed);
    } else if (test.kind === 'anything-but') {
      test.strings.forEach((value, i) => {
        data[o + T_ONE_A + i] = this.values.idOf(value);
      });
    }
  }

  #removeRuleAt(state: number, no: number): void {
    const slot = state * S_WIDTH + S_RULES;
    const start = this.nodes.data[slot] as number;
    const length = this.nodes.data[slot + 1] as number;
    const list = this.ruleLists.data;
    if (this.nodes.data[state * S_WIDTH + S_RULE1] === no) {
      this.nodes.data[state * S_WIDTH + S_RULE1] = length > 0 ? (list[start] as number) : -1;
      if (length > 0) this.ruleLists.removeAt(this.nodes.data, slot, 0);
      return;
    }
    for (let i = 0; i < length; i++) {
      if (list[start + i] === no) {
        this.ruleLists.removeAt(this.nodes.data, slot, i);
        return;
      }
    }
  }

  #entry(step: BranchStep): ConditionEntry {
    return (this.#conditions[step.key] as SmallMap<string, ConditionEntry>).get(
      step.condition,
    ) as ConditionEntry;
  }

  /** The states a chain of a present rule passes through, found again from its conditions. */
  #stepsOf(links: readonly ChainLink[]): BranchStep[] {
    const steps: BranchStep[] = [];
    let state = ROOT;
    for (const link of links) {
      const step = { key: this.#find(state, link.fieldId), condition: link.name };
      steps.push(step);
      state = this.#entry(step).state;
    }
    return steps;
  }
}
