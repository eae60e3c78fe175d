/**
 * The receiving half of the relay: every event Bitbucket delivers is routed and, for a repository connected in
 * relay mode, written with one delivery per ARM endpoint before Bitbucket gets its 2xx. Requests that arrive
 * together share one transaction (group commit, see batcher.ts): the connection lookup, the inserts and the
 * commit are paid once per batch, not per request. When this process runs a worker with room, the batch's
 * deliveries are inserted already leased to it and handed over with their bodies (DeliveryHandoff): no claim.
 */
import type { RelayRoute } from "../db/connection-store";
import { insertOutbox, type OutboxDelivery, type OutboxEvent } from "../db/relay-outbox-store";
import type { EventToSend } from "../db/relay-delivery-store";
import type { RelayWrites } from "../db/relay-writes";
import { newRowId } from "../db/row-id";
import { Batcher } from "./batcher";
import type { ClaimedDelivery } from "./claim-due-deliveries";
import { firstAttemptAt } from "./retry-policy";
import { routeEvent, summarizeEvent } from "./route-event";

interface InboundBase {
  clientKey: string;
  /** Bitbucket's X-Request-UUID (the same on its retries), or a fresh uuid when it sent none. */
  requestUuid: string;
  receivedAt: Date;
}

export type Inbound =
  | (InboundBase & { kind: "event"; eventKey: string; repoUuid: string; payload: Record<string, unknown>; bytes: Buffer })
  | (InboundBase & { kind: "rejected"; eventKey: string | null; reason: string; bodySize: number });

export type IgnoredReason = "not-connected" | "direct-mode" | "not-subscribed";

export type WriteResult =
  | { outcome: "accepted"; eventId: string; deliveries: number }
  | { outcome: "duplicate" }
  | { outcome: "ignored"; reason: IgnoredReason }
  | { outcome: "rejected" };

export interface OutboxWriterDeps {
  writes: RelayWrites;
  routes: (repos: Array<{ clientKey: string; repoUuid: string }>) => Promise<RelayRoute[]>;
  schedule: readonly number[];
  maxBatch?: number;
  maxDelayMs?: number;
}

/**
 * A worker in this process that takes the deliveries a batch writes, inserted already leased to it: it needs no claim
 * and no body read to send them. A crash leaves leased rows, claimed by any worker once the lease runs out.
 */
export interface DeliveryHandoff {
  /** A lease for `count` deliveries about to be written, or null (stopping, or enough to do): they are written unleased. */
  lease(count: number): { workerId: string; leaseUntil: number } | null;
  /** After the commit: the deliveries written under that lease, with their events from memory. */
  take(handed: Array<{ delivery: ClaimedDelivery; event: EventToSend }>): void;
}

/** Stored as the event key of a rejected delivery whose key could not be read. */
export const UNKNOWN_EVENT = "unknown";

const repoKey = (clientKey: string, repoUuid: string) => `${clientKey}\u0000${repoUuid}`;

export class OutboxWriter {
  private readonly batcher: Batcher<Inbound, WriteResult>;
  private readonly listeners = new Set<() => void>();
  private handoff: DeliveryHandoff | null = null;

  constructor(private readonly deps: OutboxWriterDeps) {
    this.batcher = new Batcher({ maxBatch: deps.maxBatch ?? 200, maxDelayMs: deps.maxDelayMs ?? 2, flush: (items) => this.flush(items) });
  }

  /** Resolves once the item is durable (or known to need no storing); rejects when the batch could not be written. */
  submit(item: Inbound): Promise<WriteResult> {
    return this.batcher.submit(item);
  }

  /** Called after each commit that created deliveries: workers in this process start at once instead of at their next poll. */
  onDeliveries(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hands the deliveries of each batch, when due at once, straight to this worker (see DeliveryHandoff). */
  handOffTo(handoff: DeliveryHandoff): void {
    this.handoff = handoff;
  }

  drain(): Promise<void> {
    return this.batcher.drain();
  }

  private async flush(items: Inbound[]): Promise<WriteResult[]> {
    const wanted = new Map<string, { clientKey: string; repoUuid: string }>();
    for (const item of items) if (item.kind === "event") wanted.set(repoKey(item.clientKey, item.repoUuid), item);
    const routes = new Map((await this.deps.routes([...wanted.values()])).map((r) => [repoKey(r.clientKey, r.repoUuid), r]));

    const events: OutboxEvent[] = [];
    const deliveries: OutboxDelivery[] = [];
    const results: WriteResult[] = [];
    const waiting = new Set<string>(); // deliveries to paused endpoints: they wait, so no worker is handed them
    const firstOf = new Map<string, number>(); // Bitbucket's own retry can land in the same batch as the original
    items.forEach((item, i) => {
      const dedupe = repoKey(item.clientKey, item.requestUuid);
      const first = firstOf.get(dedupe);
      if (first !== undefined) return void (results[i] = results[first].outcome === "accepted" ? { outcome: "duplicate" } : results[first]);
      firstOf.set(dedupe, i);
      results[i] = this.plan(item, routes, events, deliveries, waiting);
    });

    const leased = this.lease(deliveries, waiting);
    // One statement on PostgreSQL while a batch's parameters fit in one (insertOutbox), as maxBatch keeps them.
    const inserted = events.length ? await this.deps.writes.runStatement((t) => insertOutbox(t, events, deliveries)) : new Set<string>();
    let created = false;
    const final = results.map((r): WriteResult => {
      if (r.outcome !== "accepted") return r;
      if (!inserted.has(r.eventId)) return { outcome: "duplicate" }; // stored earlier, or by another process
      created = true;
      return r;
    });
    if (!created) return final;
    const handed = leased.filter((d) => inserted.has(d.eventId));
    if (handed.length) this.handOff(handed, events);
    if (handed.length < deliveries.filter((d) => inserted.has(d.eventId)).length) this.listeners.forEach((l) => l());
    return final;
  }

  /**
   * Leases the deliveries due at once whose endpoint is not paused, if the worker takes them; returns them.
   * The worker's clock decides the lease, as it does for the claims.
   */
  private lease(deliveries: OutboxDelivery[], waiting: Set<string>): OutboxDelivery[] {
    if (!this.handoff || (this.deps.schedule[0] ?? 0) > 0) return [];
    const due = deliveries.filter((d) => !waiting.has(d.id));
    const grant = due.length ? this.handoff.lease(due.length) : null;
    if (!grant) return [];
    const lease = { until: new Date(grant.leaseUntil), by: grant.workerId };
    for (const d of due) d.lease = lease;
    return due;
  }

  private handOff(leased: OutboxDelivery[], events: OutboxEvent[]): void {
    const byId = new Map(events.map((e) => [e.id, e]));
    this.handoff!.take(
      leased.map((d) => {
        const e = byId.get(d.eventId)!;
        return {
          delivery: { id: d.id, eventId: d.eventId, connectionId: d.connectionId, endpoint: d.endpoint, url: d.url, attempts: 0, leaseUntil: d.lease!.until.getTime() },
          event: { id: e.id, eventKey: e.eventKey, body: e.body!, receivedAt: e.receivedAt },
        };
      }),
    );
  }

  /** Adds the rows for one item and says what its answer will be if they are inserted. */
  private plan(item: Inbound, routes: Map<string, RelayRoute>, events: OutboxEvent[], deliveries: OutboxDelivery[], waiting: Set<string>): WriteResult {
    const id = newRowId();
    const base = { id, clientKey: item.clientKey, sourceRequestUuid: item.requestUuid, receivedAt: item.receivedAt };
    if (item.kind === "rejected") {
      events.push({
        ...base,
        connectionId: null,
        eventKey: item.eventKey ?? UNKNOWN_EVENT,
        status: "rejected",
        rejectReason: item.reason,
        summary: null,
        body: null,
        bodySize: item.bodySize,
      });
      return { outcome: "rejected" };
    }
    const route = routes.get(repoKey(item.clientKey, item.repoUuid));
    if (!route) return { outcome: "ignored", reason: "not-connected" };
    if (route.deliveryMode !== "relay") return { outcome: "ignored", reason: "direct-mode" };
    const targets = routeEvent(route.settings, item.eventKey);
    if (targets.length === 0) return { outcome: "ignored", reason: "not-subscribed" };
    events.push({
      ...base,
      connectionId: route.id,
      eventKey: item.eventKey,
      status: "accepted",
      rejectReason: null,
      summary: summarizeEvent(item.eventKey, item.payload),
      body: item.bytes,
      bodySize: item.bytes.length,
    });
    const due = new Date(firstAttemptAt(this.deps.schedule, item.receivedAt.getTime()));
    for (const t of targets) {
      const delivery: OutboxDelivery = { id: newRowId(), eventId: id, connectionId: route.id, endpoint: t.endpoint, url: t.url, nextAttemptAt: due };
      if (route.pausedEndpoints.includes(t.endpoint)) waiting.add(delivery.id);
      deliveries.push(delivery);
    }
    return { outcome: "accepted", eventId: id, deliveries: targets.length };
  }
}
