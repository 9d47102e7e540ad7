/**
 * Matching one event against the automaton: a depth-first walk from the root that, at each state, reports the
 * rules ending there and follows every transition whose field the event has, by each of its leaf values (or, for
 * `exists: false`, by its absence). Array consistency is a pick per array, taken when a leaf inside array elements
 * is followed and undone on the way back. Nothing is allocated per event but the result.
 */
import type { Automaton } from './automaton.ts';
import {
  FIELD_SHIFT,
  fingerprint,
  HAS_ABSENT,
  HAS_TESTS,
  HIGH_OPEN,
  INT_BOUNDS,
  KIND_MASK,
  LENGTH_SHIFT,
  LOW_OPEN,
  MANY_EXACT,
  NO_EXACT,
  NO_HIGH,
  NO_LOW,
  NO_TEST,
  ONE_ABSENT,
  ONE_EXCEPT,
  ONE_EXISTS,
  ONE_PREFIX,
  ONE_RANGE,
  ONE_WILDCARD,
  ROOT,
  S_MARK,
  S_RULE1,
  S_RULES,
  S_TRANS,
  S_WIDTH,
  SEVERAL,
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
import { type EventFields, type LeafGroups, UNKNOWN_VALUE } from './event-fields.ts';
import { type FieldMatcher, TargetStack } from './field-matcher.ts';
import type { SmallMap } from './small-map.ts';
import type { Leaf } from './value-tests.ts';
import { type WildcardProgram, wildcardMatches } from './wildcard.ts';

const EMPTY: readonly string[] = Object.freeze([]);

/** Rules matched by one event that are deduplicated by a list scan; beyond, by stamps per rule. */
const FEW_MATCHES = 8;

/** A field with more leaves than this is followed by array element once elements are picked. */
const GROUP_ABOVE_LEAVES = 16;

/** The reusable state of matching events one at a time against an automaton. */
export class AutomatonWalk {
  #automaton!: Automaton;
  #fields!: EventFields;
  #ids: readonly (string | undefined)[] = [];
  /** The automaton's arrays, read once per event (they change only while rules are edited). */
  #data = new Int32Array(0);
  #ruleList = new Int32Array(0);
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
  #ruleStamps = new Int32Array(64);

  /**
   * The ids of the rules an event matches, from its extracted `fields`; `ids` are the rule ids by rule number.
   * A fresh array, or a shared empty one when nothing matches.
   */
  run(automaton: Automaton, fields: EventFields, ids: readonly (string | undefined)[]): readonly string[] {
    this.#automaton = automaton;
    this.#fields = fields;
    this.#ids = ids;
    this.#data = automaton.nodes.data;
    this.#ruleList = automaton.ruleLists.data;
    if (this.#ruleStamps.length < ids.length) {
      this.#ruleStamps = new Int32Array(ids.length * 2);
      this.#epoch = 0;
    }
    this.#epoch++;
    this.#results = EMPTY;
    this.#matchedCount = 0;
    const arrays = fields.arrayCount;
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
    const data = this.#data;
    const row = state * S_WIDTH;
    const first = data[row + S_RULE1] as number;
    if (first >= 0) {
      this.#emit(first);
      const more = data[row + S_RULES + 1] as number;
      if (more > 0) {
        const list = this.#ruleList;
        const start = data[row + S_RULES] as number;
        for (let i = start; i < start + more; i++) this.#emit(list[i] as number);
      }
    }
    const count = data[row + S_TRANS + 1] as number;
    if (count === 0) return;
    const fields = this.#fields;
    const start = data[row + S_TRANS] as number;
    const end = start + count * T_WIDTH;
    for (let o = start; o < end; o += T_WIDTH) {
      const word = data[o + T_FIELD] as number;
      const fieldId = word >> FIELD_SHIFT;
      let leaf = fields.first(fieldId);
      if (leaf < 0) {
        if (data[o + T_ONE] === ONE_ABSENT) this.#visit(data[o + T_ONE_TARGET] as number);
        if ((word & HAS_ABSENT) !== 0) {
          const absent = (this.#automaton.tests[data[o + T_KEY] as number] as FieldMatcher<number>)
            .absent as number[];
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
      id = this.#automaton.values.idOf(fields.values[leaf] as Leaf);
      fields.valueIds[leaf] = id;
    }
    return id;
  }

  /** Whether a leaf passes the inline test `single` (the T_ONE word) of the record at `o`. */
  #passes(single: number, o: number, leaf: number): boolean {
    const value = this.#fields.values[leaf] as Leaf;
    const data = this.#data;
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
          low = this.#automaton.bounds[slot * 2] as number;
          high = this.#automaton.bounds[slot * 2 + 1] as number;
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
          ? value.startsWith(this.#automaton.texts[slot] as string)
          : wildcardMatches(this.#automaton.programs[slot] as WildcardProgram, value);
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
    const data = this.#data;
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
        } else if (one === MANY_EXACT) target = this.#automaton.pairs.get(data[o + T_KEY] as number, id);
        if (target >= 0) stack.push(target);
        else if (target === SEVERAL) {
          const exacts = this.#automaton.exacts[data[o + T_KEY] as number] as SmallMap<
            number,
            { targets: number[] }
          >;
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
      (this.#automaton.tests[data[o + T_KEY] as number] as FieldMatcher<number>).collect(
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
    const states = this.#data;
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
