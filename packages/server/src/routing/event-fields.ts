/**
 * The fields of one event that some rule names, extracted into reused typed arrays (no objects per event):
 * for every named path, a linked list of its leaf values; for every leaf, the chain of array elements it sits
 * in (for array consistency). The path trie says which paths are named, so walking an event skips every field
 * no rule mentions.
 */
import { syError } from '@switchyard/protocol';
import { type ByteKeyMemory, KeyMemory, SEEN_LIMIT, trieChanged } from './key-memory.ts';
import type { Leaf } from './value-tests.ts';

/**
 * Arrays nested deeper than this under a named field make the event invalid for matching. Objects
 * are walked only as deep as some rule's path, arrays at any depth, so this bounds the recursion of
 * both walkers: an event of nested brackets must not exhaust the stack (`[[[[…]]]]` parses fine).
 */
export const MAX_ARRAY_NESTING = 256;

/** The error for an event that nests arrays deeper than MAX_ARRAY_NESTING. */
export function eventTooDeep(): Error {
  return syError('SY_ERR_EVENT_TOO_DEEP', { max: MAX_ARRAY_NESTING });
}

/** A leaf whose value id was not looked up yet. */
export const UNKNOWN_VALUE = -2;

/** One step of the trie of named paths. */
export class PathNode {
  readonly children = new Map<string, PathNode>();
  /** The children's keys and nodes side by side, for a scan by identity (JSON.parse internalizes keys). */
  childKeys: string[] = [];
  childNodes: PathNode[] = [];
  /** The field id when some condition names exactly this path; -1 otherwise. */
  fieldId = -1;
  /** Acquisitions of this path or a path below it, for pruning on removal. */
  refs = 0;
  /** Acquisitions of exactly this path, for recycling the field id. */
  own = 0;
  /** The UTF-8 bytes and hash of this step's name, for matching keys in raw JSON without decoding them. */
  readonly keyBytes: Uint8Array;
  readonly keyHash: number;
  /** Children by key hash, for the raw scanner. */
  readonly byHash = new Map<number, PathNode[]>();
  /** Where the keys of parsed objects at this node led, by position (key-memory.ts). */
  readonly parsedMemory = new KeyMemory();
  /** The same for the raw scanner, made on first use (only nodes with named children need one). */
  rawMemory: ByteKeyMemory | null = null;

  constructor(key: string) {
    this.keyBytes = Buffer.from(key, 'utf8');
    this.keyHash = hashBytes(this.keyBytes, 0, this.keyBytes.length);
  }

  /** Adds a child step. */
  link(key: string, child: PathNode): void {
    trieChanged();
    this.children.set(key, child);
    this.childKeys = [...this.childKeys, key];
    this.childNodes = [...this.childNodes, child];
    const bucket = this.byHash.get(child.keyHash);
    if (bucket === undefined) this.byHash.set(child.keyHash, [child]);
    else bucket.push(child);
  }

  /** Removes a child step. */
  unlink(key: string): void {
    const child = this.children.get(key);
    if (child === undefined) return;
    trieChanged();
    this.children.delete(key);
    const i = this.childKeys.indexOf(key);
    this.childKeys = this.childKeys.filter((_, j) => j !== i);
    this.childNodes = this.childNodes.filter((_, j) => j !== i);
    const bucket = this.byHash.get(child.keyHash);
    if (bucket !== undefined) {
      bucket.splice(bucket.indexOf(child), 1);
      if (bucket.length === 0) this.byHash.delete(child.keyHash);
    }
  }

  /** The node reached by following dot-separated steps of one event key, or undefined. */
  descend(key: string): PathNode | undefined {
    let node: PathNode | undefined = this;
    for (const step of key.split('.')) {
      node = node.children.get(step);
      if (node === undefined) return undefined;
    }
    return node;
  }
}

/**
 * FNV-1a over a byte range, cut to 30 bits so that it stays a small integer as a map key (an unsigned 32-bit
 * value above 2^31 is a heap number); the raw scanner computes the same hash while reading a key.
 */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h & HASH_MASK;
}

/** The bits hashBytes keeps. */
const HASH_MASK = 0x3fffffff;

/** Named paths: a trie of steps with field ids, reference counted so rules can come and go. */
export class PathRegistry {
  readonly root = new PathNode('');
  #nextId = 0;
  readonly #free: number[] = [];

  /** Number of field ids handed out (an upper bound for per-field arrays). */
  get capacity(): number {
    return this.#nextId;
  }

  /** The field id of a path, creating it on first use. Call release() once per acquire(). */
  acquire(steps: readonly string[]): number {
    let node = this.root;
    for (const step of steps) {
      let child = node.children.get(step);
      if (child === undefined) {
        child = new PathNode(step);
        node.link(step, child);
      }
      child.refs++;
      node = child;
    }
    if (node.fieldId < 0) node.fieldId = this.#free.pop() ?? this.#nextId++;
    node.own++;
    return node.fieldId;
  }

  /** The field id of a path in use, or -1. */
  fieldId(steps: readonly string[]): number {
    let node: PathNode | undefined = this.root;
    for (const step of steps) {
      node = node.children.get(step);
      if (node === undefined) return -1;
    }
    return node.fieldId;
  }

  /** How many conditions name exactly this path now. */
  uses(steps: readonly string[]): number {
    let node: PathNode | undefined = this.root;
    for (const step of steps) {
      node = node.children.get(step);
      if (node === undefined) return 0;
    }
    return node.own;
  }

  /** Drops one use of a path; unused steps are pruned and the field id recycled. */
  release(steps: readonly string[]): void {
    const trail: PathNode[] = [this.root];
    for (const step of steps) {
      const next = trail[trail.length - 1]?.children.get(step);
      if (next === undefined) return;
      trail.push(next);
    }
    const leaf = trail[trail.length - 1] as PathNode;
    for (let i = trail.length - 1; i > 0; i--) {
      const node = trail[i] as PathNode;
      node.refs--;
      if (node.refs > 0) continue;
      (trail[i - 1] as PathNode).unlink(steps[i - 1] as string);
    }
    leaf.own--;
    if (leaf.own <= 0 && leaf.fieldId >= 0) {
      this.#free.push(leaf.fieldId);
      leaf.fieldId = -1;
    }
  }
}

/** A field's leaves by outermost array element: leaves in no array, and per array, per element index. */
export interface LeafGroups {
  free: number[];
  arrays: Map<number, Map<number, number[]>>;
}

/** Reused per-event tables of leaves and array chains. */
export class EventFields {
  leafCount = 0;
  readonly values: Leaf[] = [];
  leafChain = new Int32Array(64);
  leafNext = new Int32Array(64);
  /** Per leaf, the matcher's interned id of its value once looked up (UNKNOWN_VALUE before). */
  valueIds = new Int32Array(64);
  head = new Int32Array(16);
  stamp = new Uint32Array(16);
  leavesOf = new Int32Array(16);
  readonly #grouped = new Map<number, LeafGroups>();
  epoch = 0;
  chainCount = 0;
  chainParent = new Int32Array(32);
  chainArray = new Int32Array(32);
  chainIndex = new Int32Array(32);
  arrayCount = 0;

  /** Starts a new event with room for `fieldCapacity` field ids. */
  reset(fieldCapacity: number): void {
    if (this.head.length < fieldCapacity) {
      this.head = new Int32Array(fieldCapacity * 2);
      this.stamp = new Uint32Array(fieldCapacity * 2);
      this.leavesOf = new Int32Array(fieldCapacity * 2);
    }
    if (this.#grouped.size > 0) this.#grouped.clear();
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    this.leafCount = 0;
    this.chainCount = 0;
    this.arrayCount = 0;
  }

  /** First leaf of a field in this event, or -1. */
  first(fieldId: number): number {
    return this.stamp[fieldId] === this.epoch ? (this.head[fieldId] as number) : -1;
  }

  /** Records a leaf value of a field, inside array chain `chain` (-1 for none). */
  addLeaf(fieldId: number, value: Leaf, chain: number): void {
    const i = this.leafCount++;
    if (i >= this.leafChain.length) {
      this.leafChain = grow(this.leafChain);
      this.leafNext = grow(this.leafNext);
      this.valueIds = grow(this.valueIds);
    }
    this.values[i] = value;
    this.valueIds[i] = UNKNOWN_VALUE;
    this.leafChain[i] = chain;
    const fresh = this.stamp[fieldId] !== this.epoch;
    this.leafNext[i] = fresh ? -1 : (this.head[fieldId] as number);
    this.leavesOf[fieldId] = fresh ? 1 : (this.leavesOf[fieldId] as number) + 1;
    this.head[fieldId] = i;
    this.stamp[fieldId] = this.epoch;
  }

  /** Number of leaves of a field in this event. */
  count(fieldId: number): number {
    return this.stamp[fieldId] === this.epoch ? (this.leavesOf[fieldId] as number) : 0;
  }

  /**
   * The leaves of a field grouped by the element of the outermost array they sit in (built once per
   * field and event, on demand). A matcher that has picked element i of that array for earlier
   * conditions reads only group i, instead of every leaf: two conditions inside one large array of
   * objects cost the array's length, not its square.
   */
  groups(fieldId: number): LeafGroups {
    let g = this.#grouped.get(fieldId);
    if (g !== undefined) return g;
    g = { free: [], arrays: new Map() };
    for (let leaf = this.first(fieldId); leaf >= 0; leaf = this.leafNext[leaf] as number) {
      let link = this.leafChain[leaf] as number;
      if (link < 0) {
        g.free.push(leaf);
        continue;
      }
      while ((this.chainParent[link] as number) >= 0) link = this.chainParent[link] as number;
      const array = this.chainArray[link] as number;
      let elements = g.arrays.get(array);
      if (elements === undefined) {
        elements = new Map();
        g.arrays.set(array, elements);
      }
      const index = this.chainIndex[link] as number;
      const list = elements.get(index);
      if (list === undefined) elements.set(index, [leaf]);
      else list.push(leaf);
    }
    this.#grouped.set(fieldId, g);
    return g;
  }

  /** A new chain link: element `index` of array `array`, inside chain `parent`. */
  pushChain(parent: number, array: number, index: number): number {
    const i = this.chainCount++;
    if (i >= this.chainParent.length) {
      this.chainParent = grow(this.chainParent);
      this.chainArray = grow(this.chainArray);
      this.chainIndex = grow(this.chainIndex);
    }
    this.chainParent[i] = parent;
    this.chainArray[i] = array;
    this.chainIndex[i] = index;
    return i;
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Extracts the named fields of a parsed event into `fields`. */
export function collectParsed(root: PathNode, event: unknown, fields: EventFields): void {
  arrayDepth = 0;
  if (event !== null && typeof event === 'object' && !Array.isArray(event))
    walkObject(root, event as Record<string, unknown>, fields, -1);
}

/** Up to this many named children, an event key is found by comparing keys rather than by a map lookup. */
const SCAN_LIMIT = 8;

function walkObject(
  node: PathNode,
  object: Record<string, unknown>,
  fields: EventFields,
  chain: number,
): void {
  const memory = node.parsedMemory;
  memory.refresh();
  const seenKeys = memory.keys;
  const seenChildren = memory.children;
  let position = 0;
  for (const key in object) {
    let child: PathNode | null;
    if (position < SEEN_LIMIT) {
      if (seenKeys[position] === key) child = seenChildren[position] as PathNode | null;
      else {
        child = resolve(node, key);
        seenKeys[position] = key;
        seenChildren[position] = child;
      }
      position++;
    } else child = resolve(node, key);
    if (child !== null) walkValue(child, object[key], fields, chain);
  }
}

/** The node an event key leads to from `node` (as a step, or as dotted steps), or null. */
function resolve(node: PathNode, key: string): PathNode | null {
  const keys = node.childKeys;
  const nodes = node.childNodes;
  const count = keys.length;
  if (count <= SCAN_LIMIT) {
    for (let i = 0; i < count; i++) if (keys[i] === key) return nodes[i] as PathNode;
    if (!mayDescend(keys, nodes, key)) return null;
  } else {
    const child = node.children.get(key);
    if (child !== undefined) return child;
    if (key.indexOf('.') < 0) return null;
  }
  return node.descend(key) ?? null;
}

/**
 * Whether an unnamed key can still reach a named path as a dotted key ("a.b" for a → b): only if it starts with
 * the key of a child that has children, then a dot. Cheaper than searching every unnamed key for a dot.
 */
function mayDescend(keys: readonly string[], nodes: readonly PathNode[], key: string): boolean {
  for (let i = 0; i < keys.length; i++) {
    if ((nodes[i] as PathNode).childKeys.length === 0) continue;
    const k = keys[i] as string;
    if (key.length > k.length && key.charCodeAt(k.length) === 0x2e && key.startsWith(k)) return true;
  }
  return false;
}

let arrayDepth = 0;

function walkValue(node: PathNode, value: unknown, fields: EventFields, chain: number): void {
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) {
      if (++arrayDepth > MAX_ARRAY_NESTING) throw eventTooDeep();
      const array = fields.arrayCount++;
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i];
        if (element !== null && typeof element === 'object') {
          walkValue(node, element, fields, fields.pushChain(chain, array, i));
        } else {
          walkValue(node, element, fields, chain);
        }
      }
      arrayDepth--;
    } else if (node.children.size > 0) {
      walkObject(node, value as Record<string, unknown>, fields, chain);
    }
  } else if (node.fieldId >= 0 && value !== undefined && typeof value !== 'function') {
    fields.addLeaf(node.fieldId, value as Leaf, chain);
  }
}
