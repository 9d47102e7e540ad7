/**
 * Answers remembered for the strings an index was asked about lately. Event values repeat (a bus has few
 * sources, detail types, regions), so an index whose lookup costs several probes answers a repeated string with
 * one map lookup. Memory is bounded by a capacity the owner sets; values that do not repeat switch the memory
 * off for a while, since remembering them costs more than it saves.
 */

/** Strings longer than this are not remembered (nor kept alive). */
const MAX_LENGTH = 256;

/**
 * A memory that filled up with fewer hits than strings is paused for this many times its capacity in
 * lookups, then tried again.
 */
const PAUSE = 8;

/** Answers of type V remembered by string, up to a capacity; emptied by `reset` whenever the index changes. */
export class RecentAnswers<V> {
  readonly #answers = new Map<string, V>();
  #capacity: number;
  /** Hits since the memory was last emptied, and lookups left while it is paused. */
  #hits = 0;
  #paused = 0;

  /** Remembers at most `capacity` strings. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** How many strings are remembered now. */
  get size(): number {
    return this.#answers.size;
  }

  /** The answer remembered for `s`, or undefined (always while paused, and for long strings). */
  lookup(s: string): V | undefined {
    if (this.#paused > 0 || s.length > MAX_LENGTH) return undefined;
    const answer = this.#answers.get(s);
    if (answer !== undefined) this.#hits++;
    return answer;
  }

  /**
   * Whether to compute and remember the answer for `s`, which `lookup` just missed: not for long strings, and
   * not while paused (each call counts the pause down).
   */
  wants(s: string): boolean {
    if (this.#paused > 0) {
      this.#paused--;
      return false;
    }
    return s.length <= MAX_LENGTH;
  }

  /** Remembers the answer for `s`; a full memory starts again, and pauses if it was seldom hit. */
  remember(s: string, answer: V): void {
    const answers = this.#answers;
    answers.set(s, answer);
    if (answers.size < this.#capacity) return;
    if (this.#hits < answers.size) this.#paused = this.#capacity * PAUSE;
    this.reset(this.#capacity);
  }

  /** Forgets every answer (the index changed) and sets the capacity. */
  reset(capacity: number): void {
    this.#answers.clear();
    this.#hits = 0;
    this.#capacity = capacity;
  }
}
