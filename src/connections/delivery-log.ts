/**
 * The delivery log of one repository (issue 3 item 6): recent relay deliveries, redelivery by hand, a test
 * event, and hourly counts. Use cases only: HTTP lives in src/connect/routes/deliveries-api.ts. The repository
 * is always the verified scope; a delivery of another repository is "not found", never touched.
 */
import type { ConnectionStore, RepoScope } from "../db/connection-store";
import type { DeliveryStatus } from "../db/models/relay-delivery";
import { countByHour, listDeliveries, makeDue, type StatusCount } from "../db/relay-log-store";
import { insertOutbox } from "../db/relay-outbox-store";
import type { RelayWrites } from "../db/relay-writes";
import { newRowId } from "../db/row-id";
import { routeEvent } from "../relay/route-event";
import { UserError } from "./errors";

export type DeliveryFilter = "all" | "failed" | "pending";

export interface DeliveryView {
  /** Also the X-Request-UUID ARM receives, the same on every attempt and redelivery. */
  id: string;
  event: string;
  /** Branch or pull request; "diagnostics: test event" for a test event. */
  summary: string | null;
  endpoint: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastOutcome: string | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  /** The start of ARM's last answer (at most SNIPPET_CHARS characters). */
  responseSnippet: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface DeliveryPage {
  deliveries: DeliveryView[];
  /** Pass as `before` for the next (older) page; null when this is the last. */
  nextCursor: string | null;
}

export interface StatsBucket {
  /** Start of the hour (ISO, UTC). */
  start: string;
  delivered: number;
  failed: number;
  /** Waiting for a first attempt or a retry. */
  pending: number;
  skipped: number;
}

export interface DeliveryStats {
  hours: number;
  buckets: StatsBucket[];
}

export interface TestEventResult {
  /** The test delivery's id: the X-Request-UUID ARM receives. */
  id: string;
  endpoint: string;
}

export const SNIPPET_CHARS = 2048;
export const TEST_EVENT_SUMMARY = "diagnostics: test event";
const HOUR_MS = 3_600_000;
const MAX_LIMIT = 200;
const MAX_HOURS = 168;

export interface DeliveryLogDeps {
  store: Pick<ConnectionStore, "get">;
  writes: RelayWrites;
  /** Looks for due deliveries now rather than at the next poll. */
  wake(): void;
  now?: () => number;
}

const FILTERS: Record<DeliveryFilter, DeliveryStatus | null> = { all: null, failed: "failed", pending: "pending" };

export class DeliveryLog {
  private readonly now: () => number;

  constructor(private readonly deps: DeliveryLogDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Newest first. Raw query values are checked here, so the route passes them through untouched. */
  async list(scope: RepoScope, query: { status?: unknown; limit?: unknown; before?: unknown }): Promise<DeliveryPage> {
    const status = parseFilter(query.status);
    const limit = parseInteger(query.limit, { name: "limit", min: 1, max: MAX_LIMIT, fallback: 50 });
    const before = query.before === undefined || query.before === "" ? null : decodeCursor(query.before);
    const connection = await this.deps.store.get(scope);
    if (!connection) return { deliveries: [], nextCursor: null };
    // One row more than asked tells whether there is another page.
    const rows = await listDeliveries(this.deps.writes, { connectionId: connection.id, status: FILTERS[status], limit: limit + 1, before, snippetChars: SNIPPET_CHARS });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      deliveries: page.map((r) => ({
        id: r.id,
        event: r.eventKey,
        summary: r.summary,
        endpoint: r.endpoint,
        status: r.status,
        attempts: r.attempts,
        lastStatusCode: r.lastStatusCode,
        lastOutcome: r.lastOutcome,
        lastError: r.lastError,
        lastLatencyMs: r.lastLatencyMs,
        responseSnippet: r.responseSnippet,
        createdAt: r.createdAt.toISOString(),
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
        nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** Sends one delivery again, due now, with the same id (X-Request-UUID). */
  async redeliver(scope: RepoScope, id: string): Promise<{ redelivered: number }> {
    const connection = await this.deps.store.get(scope);
    const count = connection ? await makeDue(this.deps.writes, { connectionId: connection.id, id }, new Date(this.now())) : 0;
    if (count === 0) throw new UserError("There is no delivery with this id for this repository.", "not-found", undefined, 404);
    this.deps.wake();
    return { redelivered: count };
  }

  /** Sends again every failed delivery created since `since` (an ISO date and time). */
  async redeliverFailed(scope: RepoScope, body: unknown): Promise<{ redelivered: number }> {
    const raw = (body as { since?: unknown } | null)?.since;
    const since = typeof raw === "string" && raw.trim() !== "" ? new Date(raw) : null;
    if (since === null || Number.isNaN(since.getTime())) {
      throw new UserError("Give the date and time from which to redeliver failed deliveries, e.g. 2026-12-01T08:00:00Z.", "invalid", "since");
    }
    const connection = await this.deps.store.get(scope);
    if (!connection) return { redelivered: 0 };
    const count = await makeDue(this.deps.writes, { connectionId: connection.id, status: "failed", createdSince: since }, new Date(this.now()));
    if (count > 0) this.deps.wake();
    return { redelivered: count };
  }

  /**
   * Stores a synthetic, clearly labelled push event and one delivery to the push endpoint, due now: the worker
   * sends it like any other (signed, with Bitbucket's headers), so it tests the whole way to ARM.
   */
  async sendTestEvent(scope: RepoScope): Promise<TestEventResult> {
    const connection = await this.deps.store.get(scope);
    if (!connection) throw new UserError("Connect this repository to ARM before sending a test event.", "not-connected", undefined, 409);
    if (connection.deliveryMode !== "relay") {
      throw new UserError(
        "Test events go through ARM Connector, but this repository's Delivery is Direct from Bitbucket. Choose Through ARM Connector to use the delivery log.",
        "direct-mode",
        undefined,
        409,
      );
    }
    const route = routeEvent(connection.settings, "repo:push").find((r) => r.endpoint === "push");
    if (!route) throw new UserError("The push trigger is off for this repository, so there is no endpoint to send a test push to.", "no-push-endpoint", undefined, 409);
    const now = new Date(this.now());
    const body = Buffer.from(JSON.stringify(testPushPayload(scope, now)));
    const eventId = newRowId();
    const id = newRowId();
    await this.deps.writes.run((t) =>
      insertOutbox(
        t,
        [
          {
            id: eventId,
            clientKey: scope.clientKey,
            connectionId: connection.id,
            eventKey: "repo:push",
            sourceRequestUuid: `test-${eventId}`,
            status: "accepted",
            rejectReason: null,
            summary: TEST_EVENT_SUMMARY,
            body,
            bodySize: body.length,
            receivedAt: now,
          },
        ],
        [{ id, eventId, connectionId: connection.id, endpoint: route.endpoint, url: route.url, nextAttemptAt: now }],
      ),
    );
    this.deps.wake();
    return { id, endpoint: route.endpoint };
  }

  async stats(scope: RepoScope, query: { hours?: unknown }): Promise<DeliveryStats> {
    const hours = parseInteger(query.hours, { name: "hours", min: 1, max: MAX_HOURS, fallback: 24 });
    const nowMs = this.now();
    const firstHour = Math.floor(nowMs / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
    const connection = await this.deps.store.get(scope);
    const counts = connection ? await countByHour(this.deps.writes, connection.id, new Date(firstHour)) : [];
    return { hours, buckets: hourlyBuckets(counts, firstHour, hours) };
  }
}

/** One bucket per hour from `firstHourMs`, zeros included, so the chart's bars line up with the clock. Pure. */
export function hourlyBuckets(counts: StatusCount[], firstHourMs: number, hours: number): StatsBucket[] {
  const buckets = Array.from({ length: hours }, (_, i) => ({
    start: new Date(firstHourMs + i * HOUR_MS).toISOString(),
    delivered: 0,
    failed: 0,
    pending: 0,
    skipped: 0,
  }));
  for (const c of counts) {
    const bucket = buckets[Math.floor((c.hourMs - firstHourMs) / HOUR_MS)];
    if (bucket) bucket[c.status] += c.count;
  }
  return buckets;
}

/** A push-shaped body that says what it is: ARM sees a branch that cannot exist and a diagnostics note. */
function testPushPayload(scope: RepoScope, now: Date): Record<string, unknown> {
  const message = "ARM Connector test event: not a real push. Sent from the delivery log to check the way to ARM.";
  return {
    push: {
      changes: [
        {
          old: null,
          new: { type: "branch", name: "arm-connector/test-event", target: { type: "commit", hash: "0".repeat(40), message, date: now.toISOString() } },
          commits: [],
          truncated: false,
          created: true,
          forced: false,
          closed: false,
        },
      ],
    },
    repository: { type: "repository", uuid: scope.repoUuid, full_name: scope.repoFullName },
    actor: { type: "app_user", display_name: "ARM Connector" },
    diagnostics: { test: true, message, sentAt: now.toISOString() },
  };
}

function parseFilter(raw: unknown): DeliveryFilter {
  if (raw === undefined || raw === "") return "all";
  if (raw === "all" || raw === "failed" || raw === "pending") return raw;
  throw new UserError("The status filter must be all, failed or pending.", "invalid", "status");
}

function parseInteger(raw: unknown, o: { name: string; min: number; max: number; fallback: number }): number {
  if (raw === undefined || raw === "") return o.fallback;
  const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < o.min || n > o.max) throw new UserError(`The ${o.name} must be a whole number from ${o.min} to ${o.max}.`, "invalid", o.name);
  return n;
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.getTime(), id])).toString("base64url");
}

function decodeCursor(raw: unknown): { createdAt: Date; id: string } {
  try {
    const [ms, id] = JSON.parse(Buffer.from(String(raw), "base64url").toString("utf8")) as unknown[];
    if (typeof ms === "number" && Number.isFinite(ms) && typeof id === "string") return { createdAt: new Date(ms), id };
  } catch {
    /* reported below */
  }
  throw new UserError("The page cursor is not one this log gave out. Start again from the first page.", "invalid", "before");
}
