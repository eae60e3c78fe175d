/**
 * The delivering half of the relay. A worker claims due deliveries with a lease, sends each to ARM exactly as
 * a Bitbucket hook would (same bytes, headers and signature), judges the answer, and records the attempt, the
 * delivery's new state and the endpoint's health. Results are written in batches (group commit again).
 *
 * Deliveries written by this process's outbox writer arrive leased already, with their bodies (lease/take); the
 * claim is for everything else: retries, a backlog, other processes' intake, leases that ran out.
 *
 * Guarantees: at least once. A delivery is sent only while its lease surely outlasts the attempt; a process that
 * dies mid-attempt leaves a lease that runs out, and the delivery is claimed again (same X-Request-UUID, so ARM
 * can dedupe). Several workers, in one process or many, never hold the same delivery at once.
 *
 * Time: `now()` is injected and is the only clock for schedules, leases and health, so tests can jump hours.
 * Polling and the per-attempt timeout use real time.
 */
import type { RelayConfig } from "../config";
import type { RelaySender, RepoScope } from "../db/connection-store";
import type { DeliveryStatus } from "../db/models/relay-delivery";
import { loadEvents, recordResults, type AttemptRecord, type DeliveryUpdate, type EventToSend, type HealthEvent } from "../db/relay-delivery-store";
import type { RelayWrites } from "../db/relay-writes";
import type { Logger } from "../log";
import type { RelayMetrics } from "../ops/metrics";
import { armHeaders, hookUuidFor } from "./arm-headers";
import { Batcher } from "./batcher";
import { claimDueDeliveries, type ClaimedDelivery } from "./claim-due-deliveries";
import { classifyOutcome, type OutcomeClass } from "./classify-outcome";
import type { CommitMessageLoader } from "./commit-messages";
import { KeyedSemaphore } from "./keyed-semaphore";
import type { DeliveryHandoff } from "./outbox-writer";
import { nextAttempt } from "./retry-policy";
import type { ArmSender } from "./send-to-arm";
import { pushCarriesStoryKey } from "./smart-commits";
import { TtlCache } from "./ttl-cache";

export interface RelayWorkerDeps {
  writes: RelayWrites;
  relay: RelayConfig;
  /** The connections' tokens and smart-commit rules (ConnectionStore.relaySenders). */
  senders(ids: number[]): Promise<RelaySender[]>;
  /** Reads a truncated push's commits from Bitbucket. */
  commitMessages(scope: RepoScope): CommitMessageLoader;
  arm: ArmSender;
  metrics: RelayMetrics;
  logger: Logger;
  workerId: string;
  now?: () => number;
  random?: () => number;
  /** Deliveries per claim; default 250. */
  batchSize?: number;
  /** How often an idle worker looks for due deliveries; default 200 ms. */
  pollIntervalMs?: number;
  /** Default: the config's RELAY_LEASE. */
  leaseMs?: number;
}

/** An attempt starts only if it can end this long before the lease does. */
const LEASE_MARGIN_MS = 2_000;
/** A token replaced by the admin is used within this time (at once after ARM answers 401 or 403). */
const SENDER_TTL_MS = 10_000;
/**
 * A busy worker claims at most this often (an idle one claims at once when woken). Every claim is a write
 * transaction, and on SQLite intake waits for each one: claiming after every intake commit (each wakes the worker)
 * made as many claims as intake batches. The cost is up to this much latency to ARM under load.
 */
const CLAIM_INTERVAL_MS = 100;

type Result =
  | { kind: "release"; id: string }
  | { kind: "done"; update: DeliveryUpdate; attempt?: AttemptRecord; health?: HealthEvent; receivedAt: Date };

export class RelayWorker implements DeliveryHandoff {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly batchSize: number;
  private readonly maxHeld: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly limiter: KeyedSemaphore;
  private readonly senderCache: TtlCache<number, RelaySender | null>;
  private readonly results: Batcher<Result, void>;
  private readonly held = new Set<Promise<void>>();
  /** X-Hook-UUID per repository and endpoint: a hash that never changes, so it is computed once. */
  private readonly hookUuids = new Map<string, string>();
  private running = false;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private moreDue = false;
  private claimFailing = false;

  constructor(private readonly deps: RelayWorkerDeps) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.batchSize = deps.batchSize ?? 250;
    this.maxHeld = this.batchSize * 2;
    this.pollIntervalMs = deps.pollIntervalMs ?? 200;
    this.leaseMs = deps.leaseMs ?? deps.relay.leaseMs;
    this.limiter = new KeyedSemaphore(deps.relay.endpointConcurrency);
    this.senderCache = new TtlCache(SENDER_TTL_MS, this.now);
    // Results wait a little to share a transaction: ARM has them already, only the bookkeeping waits.
    this.results = new Batcher({ maxBatch: 500, maxDelayMs: 100, lazy: true, flush: (items) => this.record(items) });
  }

  get id(): string {
    return this.deps.workerId;
  }

  isRunning(): boolean {
    return this.running && !this.stopping;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loopDone = this.loop();
  }

  /** Looks for due deliveries now rather than at the next poll (new events were stored, or the clock moved). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Stops claiming, lets attempts in flight finish (up to the deadline), records their results, and gives back
   * deliveries it holds but has not started. Whatever is still in flight at the deadline is retried after its lease.
   */
  async stop(opts: { deadlineMs?: number } = {}): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake();
    await this.loopDone;
    const deadlineMs = opts.deadlineMs ?? this.deps.relay.attemptTimeoutMs + 2_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    await Promise.race([Promise.allSettled([...this.held]), deadline]);
    clearTimeout(timer);
    if (this.held.size) this.deps.logger.warn({ inFlight: this.held.size }, "Relay worker stopped with attempts in flight; they are retried after their lease");
    await this.results.drain();
    this.running = false;
  }

  /**
   * The outbox writer of this process asks before inserting a batch: a lease for its deliveries, unless this worker
   * is stopping or already holds enough (then they are written unleased and claimed later, by whichever worker).
   */
  lease(count: number): { workerId: string; leaseUntil: number } | null {
    if (!this.isRunning() || this.held.size + count > this.maxHeld) return null;
    return { workerId: this.id, leaseUntil: this.now() + this.leaseMs };
  }

  /** The deliveries written under that lease, sent like claimed ones (same concurrency bound, same result recording). */
  take(handed: Array<{ delivery: ClaimedDelivery; event: EventToSend }>): void {
    // Stopped between the lease and the commit: the leases run out and the deliveries are claimed again.
    if (!this.isRunning()) return;
    for (const { delivery, event } of handed) this.track(this.process(delivery, event));
  }

  /** One claim and every attempt it started, recorded (for tests and tools; not while the loop runs). */
  async runOnce(): Promise<number> {
    const claimed = await this.fill();
    await Promise.allSettled([...this.held]);
    await this.results.drain();
    return claimed;
  }

  private async loop(): Promise<void> {
    let lastClaim = -Infinity;
    while (!this.stopping) {
      const wait = lastClaim + CLAIM_INTERVAL_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastClaim = performance.now();
      let claimed = 0;
      try {
        claimed = await this.fill();
        if (this.claimFailing) this.deps.logger.info("Claiming deliveries works again");
        this.claimFailing = false;
      } catch (err) {
        // Once per outage, not once per poll.
        if (!this.claimFailing) this.deps.logger.error({ err }, "Could not claim deliveries; trying again at every poll");
        this.claimFailing = true;
      }
      if (claimed === 0 || this.held.size >= this.maxHeld) await this.idle();
    }
  }

  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wakeUp = done;
    });
  }

  /** Claims as much as there is room for and starts it; returns how many it claimed. */
  private async fill(): Promise<number> {
    const room = this.maxHeld - this.held.size;
    if (room < this.batchSize / 2) return 0; // completions wake the loop when room frees up
    const limit = Math.min(this.batchSize, room);
    const claimed = await claimDueDeliveries(this.deps.writes, { workerId: this.id, nowMs: this.now(), leaseMs: this.leaseMs, limit });
    this.moreDue = claimed.length === limit;
    if (claimed.length === 0) return 0;
    const events = await loadEvents(this.deps.writes.sequelize, [...new Set(claimed.map((d) => d.eventId))]);
    for (const d of claimed) this.track(this.process(d, events.get(d.eventId)));
    return claimed.length;
  }

  private track(work: Promise<void>): void {
    this.held.add(work);
    void work.finally(() => {
      this.held.delete(work);
      if (this.moreDue && this.held.size <= this.maxHeld / 2) this.wake();
    });
  }

  private async process(d: ClaimedDelivery, event: EventToSend | undefined): Promise<void> {
    try {
      await this.results.submit(await this.attempt(d, event));
    } catch (err) {
      this.deps.logger.error({ err, deliveryId: d.id }, "A delivery's attempt could not be recorded; it is retried after its lease");
    }
  }

  private async attempt(d: ClaimedDelivery, event: EventToSend | undefined): Promise<Result> {
    const release: Result = { kind: "release", id: d.id };
    if (this.stopping || !event) return release;
    const sender = await this.senderCache.get(d.connectionId, async (id) => (await this.deps.senders([id]))[0] ?? null);
    if (!sender) return release; // the connection is being removed, and its deliveries with it
    const skipped = await this.storyFilter(d, event, sender);
    if (skipped) return this.skip(d, event, skipped);
    return this.limiter.run(d.url, async () => {
      // Queued behind slow attempts, the lease may no longer cover one more: give the delivery back instead.
      if (this.stopping || this.now() + this.deps.relay.attemptTimeoutMs + LEASE_MARGIN_MS > d.leaseUntil) return release;
      return this.send(d, event, sender);
    });
  }

  /** Relay mode's ALM commit-sync filter: why a push is not sent there, or null to send it. */
  private async storyFilter(d: ClaimedDelivery, event: EventToSend, sender: RelaySender): Promise<string | null> {
    if (d.endpoint !== "alm-sync" || event.eventKey !== "repo:push" || !sender.almSyncOnlyStoryCommits) return null;
    try {
      const carries = await pushCarriesStoryKey(JSON.parse(event.body.toString("utf8")), sender.storyKeyPattern, this.deps.commitMessages(sender.scope));
      return carries ? null : "No commit in this push carries a story key; ALM commit sync is sent only pushes that do (a setting of this connection).";
    } catch (err) {
      // In doubt, deliver: ARM ignores commits without keys, while a dropped push would be lost for good.
      this.deps.logger.warn({ err, deliveryId: d.id }, "Could not tell whether the push carries a story key; delivering it");
      return null;
    }
  }

  private skip(d: ClaimedDelivery, event: EventToSend, reason: string): Result {
    return {
      kind: "done",
      receivedAt: event.receivedAt,
      update: { id: d.id, status: "skipped", nextAttemptAt: null, lastError: reason },
    };
  }

  private async send(d: ClaimedDelivery, event: EventToSend, sender: RelaySender): Promise<Result> {
    const startedAt = this.now();
    const attempt = d.attempts + 1;
    const headers = armHeaders({
      eventKey: event.eventKey,
      hookUuid: this.hookUuid(sender, d.endpoint),
      requestUuid: d.id,
      attempt,
      body: event.body,
      token: sender.token,
    });
    const res = await this.deps.arm.send({ url: d.url, body: event.body, headers, timeoutMs: this.deps.relay.attemptTimeoutMs });
    const endedAt = this.now();
    this.deps.metrics.attemptSeconds.observe(res.latencyMs / 1000);
    const judged = classifyOutcome(res, endedAt);
    if (res.status === 401 || res.status === 403) this.senderCache.delete(d.connectionId); // re-read a replaced token at once
    const next = nextAttempt({
      attempt,
      outcome: judged.outcome,
      retryAfterMs: judged.retryAfterMs,
      throttled: judged.throttled,
      schedule: this.deps.relay.retrySchedule,
      random: this.random,
      nowMs: endedAt,
    });
    const status: DeliveryStatus = next.kind === "done" ? "delivered" : next.kind === "give-up" ? "failed" : "pending";
    const problem = judged.outcome === "success" ? null : res.networkError !== undefined ? `${judged.message} (${res.error})` : judged.message;
    const lastError = next.kind === "give-up" && judged.outcome === "retry" ? `${problem} ${next.reason}` : problem;
    this.deps.logger.debug(
      { deliveryId: d.id, endpoint: d.endpoint, attempt, status: res.status, outcome: judged.outcome, latencyMs: res.latencyMs },
      "ARM delivery attempt",
    );
    return {
      kind: "done",
      receivedAt: event.receivedAt,
      update: {
        id: d.id,
        status,
        nextAttemptAt: next.kind === "retry" ? new Date(next.atMs) : null,
        lastError,
        afterAttempt: {
          attempts: attempt,
          lastStatusCode: res.status ?? null,
          lastOutcome: judged.outcome,
          lastLatencyMs: res.latencyMs,
          deliveredAt: status === "delivered" ? new Date(endedAt) : null,
        },
      },
      attempt: {
        deliveryId: d.id,
        attempt,
        startedAt: new Date(startedAt),
        statusCode: res.status ?? null,
        outcome: judged.outcome,
        latencyMs: res.latencyMs,
        responseSnippet: res.networkError === undefined ? res.snippet : null,
        error: problem,
      },
      health: { connectionId: d.connectionId, endpoint: d.endpoint, outcome: judged.outcome, atMs: endedAt, message: judged.message },
    };
  }

  private hookUuid(sender: RelaySender, endpoint: ClaimedDelivery["endpoint"]): string {
    const key = `${sender.scope.clientKey}\u0000${sender.scope.repoUuid}\u0000${endpoint}`;
    let uuid = this.hookUuids.get(key);
    if (uuid === undefined) {
      if (this.hookUuids.size >= 10_000) this.hookUuids.clear(); // bounded: one entry per connected endpoint
      uuid = hookUuidFor(sender.scope.clientKey, sender.scope.repoUuid, endpoint);
      this.hookUuids.set(key, uuid);
    }
    return uuid;
  }

  /** Writes a batch of results in one transaction, then counts them. */
  private async record(items: Result[]): Promise<void[]> {
    const done = items.filter((r): r is Extract<Result, { kind: "done" }> => r.kind === "done");
    const paused = await recordResults(this.deps.writes, {
      workerId: this.id,
      updates: done.map((r) => r.update),
      attempts: done.flatMap((r) => (r.attempt ? [r.attempt] : [])),
      health: done.flatMap((r) => (r.health ? [r.health] : [])),
      releases: items.flatMap((r) => (r.kind === "release" ? [r.id] : [])),
      pauseAfterMs: this.deps.relay.pauseAfterMs,
    });
    for (const p of paused) this.deps.logger.warn(p, "ARM endpoint paused: its deliveries wait until the repository is reconnected");
    const { metrics } = this.deps;
    for (const r of done) {
      if (r.attempt) metrics.attempts.inc({ outcome: r.attempt.outcome as OutcomeClass });
      if (r.update.status === "delivered") {
        metrics.delivered.inc();
        metrics.endToEndSeconds.observe(Math.max(0, r.update.afterAttempt!.deliveredAt!.getTime() - r.receivedAt.getTime()) / 1000);
      }
      if (r.update.status === "failed") {
        metrics.failed.inc();
        this.deps.logger.warn({ deliveryId: r.update.id, attempts: r.update.afterAttempt?.attempts, reason: r.update.lastError }, "Delivery to ARM given up");
      }
    }
    return items.map(() => undefined);
  }

}
