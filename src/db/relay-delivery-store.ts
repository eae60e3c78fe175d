/** Reads and writes of the delivering half of the relay: events to send, attempt results, endpoint health, leases. */
import { Op, QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { HEALTHY, nextHealth, sameHealth, type EndpointHealth, type JudgedAttempt } from "../relay/endpoint-health";
import { RelayDeliveryRow, RelayEndpointHealthRow } from "./models";
import type { DeliveryStatus } from "./models/relay-delivery";
import { chunks, isPostgres, query, readDate, valuesList } from "./raw-sql";
import type { RelayWrites } from "./relay-writes";

export interface EventToSend {
  id: string;
  eventKey: string;
  body: Buffer;
  receivedAt: Date;
}

/** The claimed deliveries' events (a plain read, outside the write lock). */
export async function loadEvents(sequelize: Sequelize, ids: string[]): Promise<Map<string, EventToSend>> {
  if (ids.length === 0) return new Map();
  const rows = await sequelize.query<{ id: string; event_key: string; body: Buffer | null; received_at: unknown }>(
    "SELECT id, event_key, body, received_at FROM relay_events WHERE id IN (:ids)",
    { replacements: { ids }, type: QueryTypes.SELECT },
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, eventKey: r.event_key, body: r.body ?? Buffer.alloc(0), receivedAt: readDate(r.received_at) }]));
}

/** The new state of a delivery after one attempt, or after a decision not to send it (then `afterAttempt` is absent). */
export interface DeliveryUpdate {
  id: string;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  lastError: string | null;
  afterAttempt?: {
    attempts: number;
    lastStatusCode: number | null;
    lastOutcome: string;
    lastLatencyMs: number;
    deliveredAt: Date | null;
  };
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  statusCode: number | null;
  outcome: string;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
}

export interface HealthEvent extends JudgedAttempt {
  connectionId: number;
  endpoint: string;
}

export interface ResultBatch {
  workerId: string;
  updates: DeliveryUpdate[];
  attempts: AttemptRecord[];
  health: HealthEvent[];
  /** Deliveries given back without an attempt (shutdown, or a lease too short to start one): due again at once. */
  releases: string[];
  pauseAfterMs: number;
}

export interface PausedNow {
  connectionId: number;
  endpoint: string;
  reason: string;
}

/**
 * Records a batch of finished attempts in one transaction. A delivery is updated only while this worker still
 * holds it: if its lease ran out and another worker took it, that worker's result counts (the attempt row
 * is kept either way, because the attempt did happen).
 */
export async function recordResults(writes: RelayWrites, batch: ResultBatch): Promise<PausedNow[]> {
  // Only a failure needs the health models (foldHealth); everything else is raw SQL.
  const raw = batch.health.every((e) => e.outcome === "success");
  return writes[raw ? "runRaw" : "run"](async (transaction) => {
    const attempted = batch.updates.filter((u) => u.afterAttempt);
    const decided = batch.updates.filter((u) => !u.afterAttempt);
    for (const part of chunks(attempted, ATTEMPTED.length)) await updateDeliveries(transaction, batch.workerId, part, ATTEMPTED);
    for (const part of chunks(decided, DECIDED.length)) await updateDeliveries(transaction, batch.workerId, part, DECIDED);
    for (const part of chunks(batch.releases, 1)) {
      const ids = part.map(() => "?").join(", ");
      await query(transaction, `UPDATE relay_deliveries SET lease_until = NULL WHERE leased_by = ? AND id IN (${ids})`, [batch.workerId, ...part]);
    }
    for (const part of chunks(batch.attempts, ATTEMPT_COLUMNS)) {
      const params = part.flatMap((a) => [a.deliveryId, a.attempt, a.startedAt, a.statusCode, a.outcome, a.latencyMs, a.responseSnippet, a.error]);
      await query(transaction, `${INSERT_ATTEMPTS} ${valuesList(part.length, ATTEMPT_COLUMNS)}`, params);
    }
    return applyHealth(transaction, batch.health, batch.pauseAfterMs);
  });
}

/** A delivery column set from a result, with its PostgreSQL type (parameters in VALUES are text otherwise). */
type Column = [name: string, pgType: string, value: (u: DeliveryUpdate) => string | number | Date | null];
const DECIDED: Column[] = [
  ["id", "", (u) => u.id],
  ["status", "", (u) => u.status],
  ["next_attempt_at", "::timestamptz", (u) => u.nextAttemptAt],
  ["last_error", "", (u) => u.lastError],
];
const ATTEMPTED: Column[] = [
  ...DECIDED,
  ["attempts", "::int", (u) => u.afterAttempt!.attempts],
  ["last_status_code", "::int", (u) => u.afterAttempt!.lastStatusCode],
  ["last_outcome", "", (u) => u.afterAttempt!.lastOutcome],
  ["last_latency_ms", "::int", (u) => u.afterAttempt!.lastLatencyMs],
  ["delivered_at", "::timestamptz", (u) => u.afterAttempt!.deliveredAt],
];

/** One UPDATE … FROM (VALUES …) for the whole batch: each row only while this worker still holds it. */
function updateDeliveries(t: Transaction, workerId: string, updates: DeliveryUpdate[], columns: Column[]) {
  const names = columns.map((c) => c[0]);
  const casts = isPostgres(t) ? columns.map((c) => c[1]) : [];
  const set = names.slice(1).map((n) => `${n} = v.${n}`).join(", ");
  const sql = `WITH v (${names.join(", ")}) AS (VALUES ${valuesList(updates.length, columns.length, casts)})
    UPDATE relay_deliveries SET ${set}, lease_until = NULL, updated_at = ?
    FROM v WHERE relay_deliveries.id = v.id AND relay_deliveries.leased_by = ?`;
  const params = updates.flatMap((u) => columns.map((c) => c[2](u)));
  return query(t, sql, [...params, new Date(), workerId]);
}

const ATTEMPT_COLUMNS = 8;
const INSERT_ATTEMPTS = `INSERT INTO relay_attempts
  (delivery_id, attempt, started_at, status_code, outcome, latency_ms, response_snippet, error) VALUES`;

const healthKey = (connectionId: number, endpoint: string) => `${connectionId}\u0000${endpoint}`;
const ms = (d: Date | null) => (d === null ? null : d.getTime());
const date = (n: number | null) => (n === null ? null : new Date(n));

/** Folds the batch's outcomes into each endpoint's health; returns the endpoints this batch paused. */
async function applyHealth(transaction: Transaction, events: HealthEvent[], pauseAfterMs: number): Promise<PausedNow[]> {
  const byKey = new Map<string, HealthEvent[]>();
  for (const e of events) {
    const key = healthKey(e.connectionId, e.endpoint);
    const list = byKey.get(key);
    if (list) list.push(e);
    else byKey.set(key, [e]);
  }
  const succeeded: HealthEvent[] = [];
  const mixed: HealthEvent[] = [];
  for (const list of byKey.values()) {
    if (list.every((e) => e.outcome === "success")) succeeded.push(list.reduce((a, b) => (b.atMs > a.atMs ? b : a)));
    else mixed.push(...list);
  }
  if (succeeded.length) await recordSuccesses(transaction, succeeded);
  return mixed.length ? foldHealth(transaction, mixed, pauseAfterMs) : [];
}

/**
 * The common case, an endpoint that only succeeded in this batch, needs no read: a success ends any failing run
 * and moves the last success forward, and never pauses or resumes (nextHealth). One upsert for all such endpoints.
 */
function recordSuccesses(t: Transaction, latest: HealthEvent[]) {
  const sql = `INSERT INTO relay_endpoint_health (connection_id, endpoint, last_success_at) VALUES ${valuesList(latest.length, 3)}
    ON CONFLICT (connection_id, endpoint) DO UPDATE SET failing_since = NULL,
      last_success_at = CASE WHEN relay_endpoint_health.last_success_at IS NULL OR relay_endpoint_health.last_success_at < excluded.last_success_at
        THEN excluded.last_success_at ELSE relay_endpoint_health.last_success_at END`;
  return query(t, sql, latest.flatMap((e) => [e.connectionId, e.endpoint, new Date(e.atMs)]));
}

/** Any failure in the batch: read the endpoints' health, fold the outcomes in order (pure), write what changed. */
async function foldHealth(transaction: Transaction, events: HealthEvent[], pauseAfterMs: number): Promise<PausedNow[]> {
  const keys = new Map(events.map((e) => [healthKey(e.connectionId, e.endpoint), { connectionId: e.connectionId, endpoint: e.endpoint }]));
  const rows = await RelayEndpointHealthRow.findAll({ where: { [Op.or]: [...keys.values()] }, transaction });
  const before = new Map<string, EndpointHealth>(
    rows.map((r) => [
      healthKey(r.connectionId, r.endpoint),
      { failingSince: ms(r.failingSince), lastSuccessAt: ms(r.lastSuccessAt), pausedAt: ms(r.pausedAt), pausedReason: r.pausedReason },
    ]),
  );
  const after = new Map(before);
  for (const e of events) {
    const key = healthKey(e.connectionId, e.endpoint);
    after.set(key, nextHealth(after.get(key) ?? HEALTHY, e, pauseAfterMs));
  }
  const paused: PausedNow[] = [];
  for (const [key, health] of after) {
    const old = before.get(key);
    if (old && sameHealth(old, health)) continue;
    const { connectionId, endpoint } = keys.get(key)!;
    if (health.pausedAt !== null && !old?.pausedAt) paused.push({ connectionId, endpoint, reason: health.pausedReason ?? "" });
    await RelayEndpointHealthRow.upsert(
      {
        connectionId,
        endpoint,
        failingSince: date(health.failingSince),
        lastSuccessAt: date(health.lastSuccessAt),
        pausedAt: date(health.pausedAt),
        pausedReason: health.pausedReason,
      },
      { transaction },
    );
  }
  return paused;
}

/** Deliveries neither delivered nor given up yet (a paused endpoint's included): all of them, or one connection's. */
export function countPending(connectionId?: number): Promise<number> {
  return RelayDeliveryRow.count({ where: { status: "pending", ...(connectionId === undefined ? {} : { connectionId }) } });
}

export function countPausedEndpoints(): Promise<number> {
  return RelayEndpointHealthRow.count({ where: { pausedAt: { [Op.ne]: null } } });
}
