/** Writes received events and their deliveries: the outbox half of the relay. */
import type { Transaction } from "sequelize";
import type { EndpointKind } from "../arm/types";
import { chunks, isPostgres, query, valuesList } from "./raw-sql";

export interface OutboxEvent {
  id: string;
  clientKey: string;
  connectionId: number | null;
  eventKey: string;
  sourceRequestUuid: string;
  status: "accepted" | "rejected";
  rejectReason: string | null;
  summary: string | null;
  body: Buffer | null;
  bodySize: number;
  receivedAt: Date;
}

export interface OutboxDelivery {
  id: string;
  eventId: string;
  connectionId: number;
  endpoint: EndpointKind;
  url: string;
  nextAttemptAt: Date;
  /** Set when the delivery is inserted already leased to a worker of this process (the in-process hand-off). */
  lease?: { until: Date; by: string };
}

/**
 * Inserts the events, skipping any whose (client key, Bitbucket request uuid) is already stored, whoever stored
 * it (another app process may have it uncommitted: PostgreSQL then waits for it instead of failing the batch),
 * then the deliveries of the events that were new. Returns the ids of the new events. One multi-row statement
 * each: `ON CONFLICT DO NOTHING RETURNING id` is the dedupe.
 */
export async function insertOutbox(t: Transaction, events: OutboxEvent[], deliveries: OutboxDelivery[]): Promise<Set<string>> {
  if (isPostgres(t) && events.length * EVENT_COLUMNS + deliveries.length * PG_DELIVERY_COLUMNS <= MAX_PARAMS) {
    return insertOutboxAtOnce(t, events, deliveries);
  }
  const inserted = new Set<string>();
  for (const part of chunks(events, EVENT_COLUMNS)) {
    const rows = await query(t, `${INSERT_EVENTS} ${valuesList(part.length, EVENT_COLUMNS)} ON CONFLICT DO NOTHING RETURNING id`, part.flatMap(eventValues));
    for (const r of rows) inserted.add(String(r.id));
  }
  const receivedAt = new Map(events.map((e) => [e.id, e.receivedAt]));
  const rows = deliveries.filter((d) => inserted.has(d.eventId));
  for (const part of chunks(rows, DELIVERY_COLUMNS)) {
    const params = part.flatMap((d) => {
      const at = receivedAt.get(d.eventId)!;
      return [d.id, d.eventId, d.connectionId, d.endpoint, d.url, "pending", 0, d.nextAttemptAt, d.lease?.until ?? null, d.lease?.by ?? null, at, at];
    });
    await query(t, `${INSERT_DELIVERIES} ${valuesList(part.length, DELIVERY_COLUMNS)}`, params);
  }
  return inserted;
}

/**
 * PostgreSQL: both inserts in one statement (one round trip instead of two). The deliveries' insert keeps only rows
 * whose event the events' insert returned, i.e. stored now and not a duplicate.
 */
async function insertOutboxAtOnce(t: Transaction, events: OutboxEvent[], deliveries: OutboxDelivery[]): Promise<Set<string>> {
  const receivedAt = new Map(events.map((e) => [e.id, e.receivedAt]));
  const sql = `WITH e AS (${INSERT_EVENTS} ${valuesList(events.length, EVENT_COLUMNS)} ON CONFLICT DO NOTHING RETURNING id)${
    deliveries.length
      ? `, d AS (INSERT INTO relay_deliveries
          (id, event_id, connection_id, endpoint, url, status, attempts, next_attempt_at, lease_until, leased_by, created_at, updated_at)
          SELECT v.id, v.event_id, v.connection_id, v.endpoint, v.url, 'pending', 0, v.next_attempt_at, v.lease_until, v.leased_by,
            v.created_at, v.created_at
          FROM (VALUES ${valuesList(deliveries.length, PG_DELIVERY_COLUMNS, PG_DELIVERY_CASTS)})
            AS v (id, event_id, connection_id, endpoint, url, next_attempt_at, lease_until, leased_by, created_at)
          WHERE v.event_id IN (SELECT id FROM e))`
      : ""
  } SELECT id FROM e`;
  const params = [
    ...events.flatMap(eventValues),
    ...deliveries.flatMap((d) => [d.id, d.eventId, d.connectionId, d.endpoint, d.url, d.nextAttemptAt, d.lease?.until ?? null, d.lease?.by ?? null, receivedAt.get(d.eventId)!]),
  ];
  const rows = await query(t, sql, params);
  return new Set(rows.map((r) => String(r.id)));
}

const eventValues = (e: OutboxEvent) => [e.id, e.clientKey, e.connectionId, e.eventKey, e.sourceRequestUuid, e.status, e.rejectReason, e.summary, e.body, e.bodySize, e.receivedAt];
const MAX_PARAMS = 30_000;
const PG_DELIVERY_COLUMNS = 9;
const PG_DELIVERY_CASTS = ["::text", "::text", "::int", "::text", "::text", "::timestamptz", "::timestamptz", "::text", "::timestamptz"];
const EVENT_COLUMNS = 11;
const INSERT_EVENTS = `INSERT INTO relay_events
  (id, client_key, connection_id, event_key, source_request_uuid, status, reject_reason, summary, body, body_size, received_at) VALUES`;
const DELIVERY_COLUMNS = 12;
const INSERT_DELIVERIES = `INSERT INTO relay_deliveries
  (id, event_id, connection_id, endpoint, url, status, attempts, next_attempt_at, lease_until, leased_by, created_at, updated_at) VALUES`;
