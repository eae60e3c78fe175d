/**
 * The receiving half of the relay: every event Bitbucket delivers is routed and, for a repository connected in
 * relay mode, written with one delivery per ARM endpoint before Bitbucket gets its 2xx. Requests that arrive
 * together share one transaction (group commit, see batcher.ts): the connection lookup, the inserts and the
 * commit are paid once per batch, not per request.
 */
import { randomUUID } from "node:crypto";
import type { RelayRoute } from "../db/connection-store";
import { insertOutbox, type OutboxDelivery, type OutboxEvent } from "../db/relay-outbox-store";
import type { RelayWrites } from "../db/relay-writes";
import { Batcher } from "./batcher";
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

/** Stored as the event key of a rejected delivery whose key could not be read. */
export const UNKNOWN_EVENT = "unknown";

const repoKey = (clientKey: string, repoUuid: string) => `${clientKey}\u0000${repoUuid}`;

export class OutboxWriter {
  private readonly batcher: Batcher<Inbound, WriteResult>;
  private readonly listeners = new Set<() => void>();

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
    const firstOf = new Map<string, number>(); // Bitbucket's own retry can land in the same batch as the original
    items.forEach((item, i) => {
      const dedupe = repoKey(item.clientKey, item.requestUuid);
      const first = firstOf.get(dedupe);
      if (first !== undefined) return void (results[i] = results[first].outcome === "accepted" ? { outcome: "duplicate" } : results[first]);
      firstOf.set(dedupe, i);
      results[i] = this.plan(item, routes, events, deliveries);
    });

    // One statement on PostgreSQL while a batch's parameters fit in one (insertOutbox), as maxBatch keeps them.
    const inserted = events.length ? await this.deps.writes.runStatement((t) => insertOutbox(t, events, deliveries)) : new Set<string>();
    let created = false;
    const final = results.map((r): WriteResult => {
      if (r.outcome !== "accepted") return r;
      if (!inserted.has(r.eventId)) return { outcome: "duplicate" }; // stored earlier, or by another process
      created = true;
      return r;
    });
    if (created) this.listeners.forEach((l) => l());
    return final;
  }

  /** Adds the rows for one item and says what its answer will be if they are inserted. */
  private plan(item: Inbound, routes: Map<string, RelayRoute>, events: OutboxEvent[], deliveries: OutboxDelivery[]): WriteResult {
    const id = randomUUID();
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
    for (const t of targets) deliveries.push({ id: randomUUID(), eventId: id, connectionId: route.id, endpoint: t.endpoint, url: t.url, nextAttemptAt: due });
    return { outcome: "accepted", eventId: id, deliveries: targets.length };
  }
}
