/**
 * Claims due deliveries for one worker with a lease (REFERENCE section 5): one UPDATE … RETURNING marks up to
 * `limit` pending deliveries whose time has come, that nobody holds (or whose holder's lease ran out, e.g. a
 * crashed process), and whose endpoint is not paused.
 * - PostgreSQL: the inner SELECT takes row locks FOR UPDATE SKIP LOCKED, so concurrent workers in several
 *   processes each get different rows without waiting on one another.
 * - SQLite: the statement runs in an IMMEDIATE transaction (RelayWrites), which holds the database's one write lock
 *   and makes intake wait. So a read (WAL: no lock) first says whether anything is due at all; with the in-process
 *   hand-off, in steady state nothing is, and the poll costs intake nothing.
 * Parameters are bound (raw-sql.ts), dates in the form sequelize stores them (SQLite compares text).
 */
import { QueryTypes, type Sequelize } from "sequelize";
import type { EndpointKind } from "../arm/types";
import { query } from "../db/raw-sql";
import type { RelayWrites } from "../db/relay-writes";

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  connectionId: number;
  endpoint: EndpointKind;
  url: string;
  /** Attempts made before this claim. */
  attempts: number;
  /** ms since the epoch; the worker must not start an attempt that could outlast it. */
  leaseUntil: number;
}

export interface ClaimOptions {
  workerId: string;
  nowMs: number;
  leaseMs: number;
  limit: number;
}

/** Pending, its time come, and held by nobody (or by a worker whose lease ran out). Binds `now` twice. */
const DUE = "d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?)";

async function anythingDue(sequelize: Sequelize, now: Date): Promise<boolean> {
  const rows = await sequelize.query(`SELECT 1 AS due FROM relay_deliveries d WHERE ${DUE} LIMIT 1`, { replacements: [now, now], type: QueryTypes.SELECT });
  return rows.length > 0;
}

export async function claimDueDeliveries(writes: RelayWrites, opts: ClaimOptions): Promise<ClaimedDelivery[]> {
  const now = new Date(opts.nowMs);
  if (writes.dialect === "sqlite" && !(await anythingDue(writes.sequelize, now))) return [];
  const leaseUntil = opts.nowMs + opts.leaseMs;
  const lock = writes.dialect === "postgres" ? "FOR UPDATE OF d SKIP LOCKED" : "";
  const sql = `
    UPDATE relay_deliveries SET lease_until = ?, leased_by = ?, updated_at = ?
    WHERE id IN (
      SELECT d.id FROM relay_deliveries d
      WHERE ${DUE}
        AND NOT EXISTS (
          SELECT 1 FROM relay_endpoint_health h
          WHERE h.connection_id = d.connection_id AND h.endpoint = d.endpoint AND h.paused_at IS NOT NULL)
      ORDER BY d.next_attempt_at
      LIMIT ?
      ${lock})
    RETURNING id, event_id, connection_id, endpoint, url, attempts`;
  const rows = await writes.runStatement((t) => query(t, sql, [new Date(leaseUntil), opts.workerId, now, now, now, opts.limit]));
  return rows.map((r) => ({
    id: String(r.id),
    eventId: String(r.event_id),
    connectionId: Number(r.connection_id),
    endpoint: r.endpoint as EndpointKind,
    url: String(r.url),
    attempts: Number(r.attempts),
    leaseUntil,
  }));
}
