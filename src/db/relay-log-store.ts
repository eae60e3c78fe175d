/**
 * Reads and hand edits of one connection's relay deliveries for the delivery log: the page of recent
 * deliveries, redelivery, hourly counts. Every query is limited to one connection id, which the caller
 * took from the verified repository scope.
 */
import { Op, QueryTypes } from "sequelize";
import { RelayDeliveryRow } from "./models";
import type { DeliveryStatus } from "./models/relay-delivery";
import type { RelayWrites } from "./relay-writes";

export interface LogRow {
  id: string;
  eventKey: string;
  summary: string | null;
  endpoint: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastOutcome: string | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  responseSnippet: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
}

export interface LogQuery {
  connectionId: number;
  status: DeliveryStatus | null;
  limit: number;
  /** Only rows strictly older than this (created_at, then id) position. */
  before: { createdAt: Date; id: string } | null;
  snippetChars: number;
}

interface RawLogRow {
  id: string;
  event_key: string;
  summary: string | null;
  endpoint: string;
  status: DeliveryStatus;
  attempts: number | string;
  last_status_code: number | string | null;
  last_outcome: string | null;
  last_error: string | null;
  last_latency_ms: number | string | null;
  response_snippet: string | null;
  created_at: Date | string;
  delivered_at: Date | string | null;
  next_attempt_at: Date | string | null;
}

/** SQLite hands dates back as the text sequelize stored ("2026-12-03 17:50:00.123 +00:00"), PostgreSQL as Dates. */
const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const toDateOrNull = (v: Date | string | null): Date | null => (v === null ? null : toDate(v));
const toNumberOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

export async function listDeliveries(writes: RelayWrites, q: LogQuery): Promise<LogRow[]> {
  const where = ["d.connection_id = :connectionId"];
  if (q.status) where.push("d.status = :status");
  if (q.before) where.push("(d.created_at < :beforeAt OR (d.created_at = :beforeAt AND d.id < :beforeId))");
  // The last attempt's answer, trimmed in the database: a page of 50 full 20 KB snippets is a megabyte.
  const sql = `
    SELECT d.id, e.event_key, e.summary, d.endpoint, d.status, d.attempts, d.last_status_code, d.last_outcome, d.last_error,
      d.last_latency_ms, d.created_at, d.delivered_at, d.next_attempt_at,
      (SELECT SUBSTR(a.response_snippet, 1, :snippetChars) FROM relay_attempts a
        WHERE a.delivery_id = d.id ORDER BY a.attempt DESC, a.id DESC LIMIT 1) AS response_snippet
    FROM relay_deliveries d JOIN relay_events e ON e.id = d.event_id
    WHERE ${where.join(" AND ")}
    ORDER BY d.created_at DESC, d.id DESC
    LIMIT :limit`;
  const rows = await writes.sequelize.query<RawLogRow>(sql, {
    type: QueryTypes.SELECT,
    replacements: {
      connectionId: q.connectionId,
      status: q.status,
      beforeAt: q.before?.createdAt ?? null,
      beforeId: q.before?.id ?? null,
      limit: q.limit,
      snippetChars: q.snippetChars,
    },
  });
  return rows.map((r) => ({
    id: r.id,
    eventKey: r.event_key,
    summary: r.summary,
    endpoint: r.endpoint,
    status: r.status,
    attempts: Number(r.attempts),
    lastStatusCode: toNumberOrNull(r.last_status_code),
    lastOutcome: r.last_outcome,
    lastError: r.last_error,
    lastLatencyMs: toNumberOrNull(r.last_latency_ms),
    responseSnippet: r.response_snippet,
    createdAt: toDate(r.created_at),
    deliveredAt: toDateOrNull(r.delivered_at),
    nextAttemptAt: toDateOrNull(r.next_attempt_at),
  }));
}

/**
 * Makes deliveries of one connection pending and due at `now`; returns how many matched. The lease is left
 * alone: a delivery in flight right now is not claimed twice, its worker's result simply lands first.
 */
export async function makeDue(
  writes: RelayWrites,
  where: { connectionId: number; id?: string; status?: DeliveryStatus; createdSince?: Date },
  now: Date,
): Promise<number> {
  const filter = {
    connectionId: where.connectionId,
    ...(where.id !== undefined ? { id: where.id } : {}),
    ...(where.status !== undefined ? { status: where.status } : {}),
    ...(where.createdSince !== undefined ? { createdAt: { [Op.gte]: where.createdSince } } : {}),
  };
  const [count] = await writes.run((transaction) => RelayDeliveryRow.update({ status: "pending", nextAttemptAt: now }, { where: filter, transaction }));
  return count;
}

export interface StatusCount {
  /** Start of the hour, ms since the epoch (UTC). */
  hourMs: number;
  status: DeliveryStatus;
  count: number;
}

/** Deliveries of one connection created since `since`, counted per hour of creation and current status. */
export async function countByHour(writes: RelayWrites, connectionId: number, since: Date): Promise<StatusCount[]> {
  // Both give the hour as UTC text "YYYY-MM-DD HH": SQLite stores dates as UTC text starting that way.
  const hour = writes.dialect === "postgres" ? "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')" : "SUBSTR(created_at, 1, 13)";
  const rows = await writes.sequelize.query<{ hour: string; status: DeliveryStatus; count: number | string }>(
    `SELECT ${hour} AS hour, status, COUNT(*) AS count FROM relay_deliveries
     WHERE connection_id = :connectionId AND created_at >= :since GROUP BY ${hour}, status`,
    { type: QueryTypes.SELECT, replacements: { connectionId, since } },
  );
  return rows.map((r) => ({ hourMs: Date.parse(`${r.hour.replace(" ", "T")}:00:00.000Z`), status: r.status, count: Number(r.count) }));
}
