import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { type SeededRandom, seededRandom } from '../../testing/seeded-random.ts';
import type { GroupCoordinator } from './group-coordinator.ts';
import type { MemberAssignment } from './group-requests.ts';
import { harness } from './group-test-harness.ts';
import { parsePartitionKey, partitionKey, STRATEGIES, type StreamPartition } from './stream-partition.ts';
import type { ManualTimer } from './timer.ts';

const SESSION_MS = 10_000;
const STREAMS = ['orders', 'audit'];

/** A well-behaved consumer: holds only what it was given, commits then drops what is revoked. */
interface Client {
  name: string;
  memberId: string | undefined;
  generation: number;
  held: Set<string>;
  /** Time of its last successful call; its lease ends SESSION_MS later. */
  lastOk: number;
  /** Sends `owned` with heartbeats; a lazy client drops revoked partitions but never says so. */
  reports: boolean;
  crashed: boolean;
}

const toList = (held: Set<string>): StreamPartition[] => [...held].map(parsePartitionKey);
const keysOf = (list: readonly StreamPartition[]) =>
  new Set(list.map((tp) => partitionKey(tp.stream, tp.partition)));

class Simulation {
  readonly clients: Client[] = [];
  readonly #coordinator: GroupCoordinator;
  readonly #timer: ManualTimer;
  readonly #strategy: string;
  commits = 0;

  constructor(coordinator: GroupCoordinator, timer: ManualTimer, strategy: string) {
    this.#coordinator = coordinator;
    this.#timer = timer;
    this.#strategy = strategy;
  }

  async join(client: Client): Promise<void> {
    const answer = await this.#coordinator.join('g', {
      streams: STREAMS,
      strategy: this.#strategy,
      sessionTimeoutMs: SESSION_MS,
      ...(client.memberId === undefined ? {} : { memberId: client.memberId }),
      clientId: client.name,
    });
    await this.#apply(client, answer);
  }

  async heartbeat(client: Client): Promise<void> {
    if (client.memberId === undefined) return this.join(client);
    try {
      const owned = client.reports ? toList(client.held) : undefined;
      await this.#apply(
        client,
        await this.#coordinator.heartbeat('g', client.memberId, client.generation, owned),
      );
    } catch (err) {
      if (!isSwitchyardError(err, 'SY_ERR_GROUP_MEMBER_UNKNOWN')) throw err;
      // Fenced: stop consuming everything without committing, then rejoin under the same id.
      client.held.clear();
      await this.join(client);
    }
  }

  /** Commits what it holds; a live, well-behaved member's commit must never be refused. */
  async commitHeld(client: Client): Promise<void> {
    if (client.memberId === undefined || client.held.size === 0 || !this.leaseValid(client)) return;
    const offsets = toList(client.held).map((tp) => ({ ...tp, offset: this.#timer.now() }));
    const { memberId, generation } = client;
    try {
      await this.#coordinator.commit('g', { memberId, generation, offsets });
    } catch (err) {
      if (!isSwitchyardError(err, 'SY_ERR_GROUP_GENERATION_STALE')) throw err;
      // A rebalance happened since our last heartbeat: learn the generation, then commit what we still hold.
      await this.heartbeat(client);
      return this.commitHeld(client);
    }
    this.commits++;
  }

  async leave(client: Client): Promise<void> {
    client.held.clear();
    if (client.memberId !== undefined) await this.#coordinator.leave('g', client.memberId);
    client.memberId = undefined;
  }

  leaseValid(client: Client): boolean {
    return this.#timer.now() < client.lastOk + SESSION_MS;
  }

  /** A client whose lease ran out stops consuming on its own, as a real client must. */
  dropExpiredLeases(): void {
    for (const c of this.clients) if (!this.leaseValid(c)) c.held.clear();
  }

  async #apply(client: Client, answer: MemberAssignment): Promise<void> {
    client.memberId = answer.memberId;
    client.generation = answer.generation;
    client.lastOk = this.#timer.now();
    const next = keysOf(answer.assignment);
    const revoked = [...client.held].filter((key) => !next.has(key));
    if (revoked.length > 0) {
      // Commit before letting go: the coordinator still counts these as ours until we report them gone.
      const offsets = revoked.map((key) => ({ ...parsePartitionKey(key), offset: this.#timer.now() }));
      await this.#coordinator.commit('g', {
        memberId: answer.memberId,
        generation: answer.generation,
        offsets,
      });
      this.commits++;
    }
    client.held = next;
  }
}

async function assertSafe(sim: Simulation, coordinator: GroupCoordinator, context: string): Promise<void> {
  sim.dropExpiredLeases();
  const holder = new Map<string, string>();
  for (const c of sim.clients) {
    for (const key of c.held) {
      const other = holder.get(key);
      assert.equal(other, undefined, `${context}: ${key} held by ${other} and ${c.name}`);
      holder.set(key, c.name);
    }
  }
  const d = await coordinator
    .describe('g', () => undefined)
    .catch((err: unknown) => {
      if (isSwitchyardError(err, 'SY_ERR_GROUP_NOT_FOUND')) return { members: [] };
      throw err;
    });
  for (const c of sim.clients) {
    if (c.held.size === 0) continue;
    const member = d.members.find((m) => m.memberId === c.memberId);
    const owned = new Set(
      [...(member?.assignment ?? []), ...(member?.revoking ?? [])].map((tp) =>
        partitionKey(tp.stream, tp.partition),
      ),
    );
    for (const key of c.held)
      assert.ok(owned.has(key), `${context}: ${c.name} holds ${key} the coordinator does not give it`);
  }
}

async function step(
  rng: SeededRandom,
  sim: Simulation,
  partitions: Map<string, number>,
  coordinator: GroupCoordinator,
  timer: ManualTimer,
) {
  const live = sim.clients.filter((c) => !c.crashed);
  const roll = rng.int(0, 99);
  if (roll < 8 && sim.clients.length < 7) {
    const client: Client = {
      name: `c${sim.clients.length}`,
      memberId: undefined,
      generation: 0,
      held: new Set(),
      lastOk: timer.now(),
      reports: rng.chance(0.8),
      crashed: false,
    };
    sim.clients.push(client);
    await sim.join(client);
  } else if (roll < 60 && live.length > 0) {
    await sim.heartbeat(rng.pick(live));
  } else if (roll < 70 && live.length > 0) {
    await sim.commitHeld(rng.pick(live));
  } else if (roll < 74 && live.length > 0) {
    await sim.leave(rng.pick(live));
  } else if (roll < 77 && live.length > 1) {
    rng.pick(live).crashed = true; // stops calling; keeps its partitions until its lease ends
  } else if (roll < 80) {
    const stream = rng.pick(STREAMS);
    partitions.set(stream, (partitions.get(stream) ?? 0) + rng.int(1, 2));
    if (rng.chance(0.5)) await coordinator.onPartitionsChanged(stream);
  } else {
    timer.advance(rng.int(0, 2500));
  }
}

describe('GroupCoordinator: safety under interleaved members (seeded simulation)', () => {
  for (let seed = 1; seed <= 24; seed++) {
    const strategy = STRATEGIES[seed % STRATEGIES.length]!;
    it(`seed ${seed} (${strategy}): no partition is ever held by two members, and the group converges`, async () => {
      const rng = seededRandom(seed);
      const { coordinator, timer, partitions } = harness({
        partitions: { orders: rng.int(1, 12), audit: rng.int(0, 4) },
        config: { sessionTimeoutMs: SESSION_MS, rebalanceTimeoutMs: 8_000 },
      });
      const sim = new Simulation(coordinator, timer, strategy);
      for (let i = 0; i < 250; i++) {
        await step(rng, sim, partitions, coordinator, timer);
        await assertSafe(sim, coordinator, `seed ${seed} step ${i}`);
      }

      // Quiet period: every surviving client heartbeats (reporting what it holds) until stable.
      const survivors = sim.clients.filter((c) => !c.crashed && c.memberId !== undefined);
      for (const c of survivors) c.reports = true;
      timer.advance(SESSION_MS);
      for (let round = 0; round < 4; round++) {
        for (const c of survivors) await sim.heartbeat(c);
        await assertSafe(sim, coordinator, `seed ${seed} quiet round ${round}`);
      }
      const d = await coordinator.describe('g', () => undefined);
      if (survivors.length === 0) return;
      assert.equal(d.state, 'Stable', `seed ${seed}`);
      const total = STREAMS.reduce((sum, s) => sum + (partitions.get(s) ?? 0), 0);
      const held = sim.clients.reduce((sum, c) => sum + c.held.size, 0);
      assert.equal(held, total, `seed ${seed}: every partition is held once`);
      if (strategy !== 'range') {
        const sizes = survivors.map((c) => c.held.size);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `seed ${seed}: balanced ${sizes}`);
      }
    });
  }
});
