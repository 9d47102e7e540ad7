/**
 * Many rules compiled into one automaton, in the spirit of event-ruler: each rule branch is a sequence of field
 * conditions; branches share states while their leading conditions are equal, so matching an event follows only
 * the transitions its own field values select, and the cost grows with the event, not with the number of rules.
 * Adding or removing a rule touches only the states on its own branches. The automaton is integers in typed
 * arrays (automaton.ts), so a state costs a cache line or two and the garbage collector never walks it.
 */

import { Automaton, type ChainLink } from './automaton.ts';
import { AutomatonWalk } from './automaton-walk.ts';
import { conditionKey, ordered, splitExactLists } from './condition-chain.ts';
import { collectParsed, EventFields, PathRegistry } from './event-fields.ts';
import { compilePattern, type PatternOptions } from './pattern-parser.ts';
import type { CompiledPattern, FieldCondition } from './pattern-types.ts';
import { collectRaw } from './raw-event-scanner.ts';

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

/** A set of rules compiled together; `match` returns the ids of the rules an event matches. */
export class RuleMatcher {
  #paths = new PathRegistry();
  #rules = new Map<string, RuleRecord>();
  /** Rule ids by rule number (what matching returns; the records stay cold). */
  #ids: (string | undefined)[] = [];
  #freeNos: number[] = [];
  #automaton = new Automaton();
  readonly #walk = new AutomatonWalk();
  readonly #fields = new EventFields();
  readonly #options: PatternOptions;

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

  /** Bytes of typed arrays the automaton holds (outside the JS heap's object count; for memory accounting). */
  get tableBytes(): number {
    return this.#automaton.tableBytes;
  }

  /** Adds (or replaces) a rule. The pattern may be compiled already, or text/object to compile with the options. */
  add(ruleId: string, pattern: CompiledPattern | string | object): void {
    const compiled = isCompiled(pattern) ? pattern : compilePattern(pattern, this.#options);
    if (this.#rules.has(ruleId)) this.remove(ruleId);
    const no = this.#freeNos.pop() ?? this.#ids.length;
    const record = new RuleRecord(ruleId, no, compiled);
    this.#ids[no] = ruleId;
    for (const branch of compiled.branches.flatMap(splitExactLists)) {
      const chain = ordered(branch, (c) => this.#paths.uses(c.steps));
      this.#automaton.addChain(
        this.#linksOf(chain, (steps) => this.#paths.acquire(steps)),
        no,
      );
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
      this.#automaton.removeChain(
        this.#linksOf(chain, (steps) => this.#paths.fieldId(steps)),
        record.no,
      );
      for (const condition of chain) this.#paths.release(condition.steps);
    }
    this.#ids[record.no] = undefined;
    this.#freeNos.push(record.no);
    return true;
  }

  /** A chain's conditions as the automaton takes them; `fieldOf` gives (or acquires) a path's field id. */
  #linksOf(
    chain: readonly FieldCondition[],
    fieldOf: (steps: FieldCondition['steps']) => number,
  ): ChainLink[] {
    return chain.map((condition) => ({
      fieldId: fieldOf(condition.steps),
      name: conditionKey(condition),
      tests: condition.tests,
    }));
  }

  /**
   * Rebuilds the automaton with the rules in chain order, then lays it out breadth-first (the first levels,
   * which every event reads, together): after rules arrived in random order this makes matching large rule sets
   * faster (cache locality; see docs/benchmarks.md). Costs about 1.5 times as much as adding every rule again;
   * results do not change.
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
    this.#automaton = new Automaton();
    for (const { record } of records) this.add(record.id, record.pattern);
    this.#automaton = this.#automaton.relaid();
  }

  /** The compiled pattern of a rule. */
  get(ruleId: string): CompiledPattern | undefined {
    return this.#rules.get(ruleId)?.pattern;
  }

  /** Ids of the rules matching a parsed event (a fresh array; a shared empty one when nothing matches). */
  match(event: unknown): readonly string[] {
    this.#fields.reset(this.#paths.capacity);
    collectParsed(this.#paths.root, event, this.#fields);
    return this.#walk.run(this.#automaton, this.#fields, this.#ids);
  }

  /** Ids of the rules matching an event given as JSON text or UTF-8 bytes; only named fields are decoded. */
  matchJson(json: string | Uint8Array): readonly string[] {
    this.#fields.reset(this.#paths.capacity);
    const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
    collectRaw(this.#paths.root, bytes, this.#fields);
    return this.#walk.run(this.#automaton, this.#fields, this.#ids);
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
