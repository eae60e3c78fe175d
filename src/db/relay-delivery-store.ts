/** Reads and writes of the delivering half of the relay: events to send, attempt results, endpoint health, leases. */
import { Op, type Transaction } from "sequelize";
import { HEALTHY, nextHealth, sameHealth, type EndpointHealth, type JudgedAttempt } from "../relay/endpoint-health";
import { RelayAttemptRow, RelayDeliveryRow, RelayEndpointHealthRow, RelayEventRow } from "./models";
import type { DeliveryStatus } from "./models/relay-delivery";
import type { RelayWrites } from "./relay-writes";

export interface EventToSend {
  id: string;
  eventKey: string;
  body: Buffer;
  receivedAt: Date;
}

export async function loadEvents(ids: string[]): Promise<Map<string, EventToSend>> {
  if (ids.length === 0) return new Map();
  const rows = await RelayEventRow.findAll({ attributes: ["id", "eventKey", "body", "receivedAt"], where: { id: ids } });
  return new Map(rows.map((r) => [r.id, { id: r.id, eventKey: r.eventKey, body: r.body ?? Buffer.alloc(0), receivedAt: r.receivedAt }]));
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
  return writes.run(async (transaction) => {
    // Plain statements, all queued at once on the transaction's connection: Model.update per row cost more CPU
    // than the delivery itself, and awaiting each in turn left the worker idle between them.
    await Promise.all(batch.updates.map((u) => writes.sequelize.query(updateSql(u), { replacements: updateValues(u, batch.workerId), transaction })));
    if (batch.releases.length) {
      await RelayDeliveryRow.update({ leaseUntil: null }, { where: { id: batch.releases, leasedBy: batch.workerId }, transaction });
    }
    if (batch.attempts.length) await RelayAttemptRow.bulkCreate(batch.attempts, { transaction });
    return applyHealth(transaction, batch.health, batch.pauseAfterMs);
  });
}

function updateSql(u: DeliveryUpdate): string {
  const attempt = u.afterAttempt
    ? ", attempts = :attempts, last_status_code = :lastStatusCode, last_outcome = :lastOutcome, last_latency_ms = :lastLatencyMs, delivered_at = :deliveredAt"
    : "";
  return `UPDATE relay_deliveries SET status = :status, next_attempt_at = :nextAttemptAt, last_error = :lastError, lease_until = NULL, updated_at = :now${attempt}
    WHERE id = :id AND leased_by = :workerId`;
}

function updateValues(u: DeliveryUpdate, workerId: string): Record<string, unknown> {
  const { afterAttempt, ...fields } = u;
  return { ...fields, ...afterAttempt, workerId, now: new Date() };
}

const healthKey = (connectionId: number, endpoint: string) => `${connectionId}\u0000${endpoint}`;
const ms = (d: Date | null) => (d === null ? null : d.getTime());
const date = (n: number | null) => (n === null ? null : new Date(n));

/** Folds the batch's outcomes into each endpoint's health; returns the endpoints this batch paused. */
async function applyHealth(transaction: Transaction, events: HealthEvent[], pauseAfterMs: number): Promise<PausedNow[]> {
  if (events.length === 0) return [];
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

export function countPending(): Promise<number> {
  return RelayDeliveryRow.count({ where: { status: "pending" } });
}
