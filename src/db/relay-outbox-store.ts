/** Writes received events and their deliveries: the outbox half of the relay. */
import type { Transaction } from "sequelize";
import { RelayDeliveryRow, RelayEventRow } from "./models";

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
  endpoint: string;
  url: string;
  nextAttemptAt: Date;
}

/**
 * Inserts the events, skipping any whose (client key, Bitbucket request uuid) is already stored, whoever stored
 * it (another app process may have it uncommitted: PostgreSQL then waits for it instead of failing the batch),
 * then the deliveries of the events that were new. Returns the ids of the new events.
 */
export async function insertOutbox(t: Transaction, events: OutboxEvent[], deliveries: OutboxDelivery[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  await RelayEventRow.bulkCreate(events, { transaction: t, ignoreDuplicates: true });
  const stored = await RelayEventRow.findAll({ attributes: ["id"], where: { id: events.map((e) => e.id) }, transaction: t, raw: true });
  const inserted = new Set(stored.map((r) => r.id));
  const receivedAt = new Map(events.map((e) => [e.id, e.receivedAt]));
  const rows = deliveries
    .filter((d) => inserted.has(d.eventId))
    .map((d) => ({ ...d, status: "pending" as const, attempts: 0, createdAt: receivedAt.get(d.eventId)! }));
  if (rows.length) await RelayDeliveryRow.bulkCreate(rows, { transaction: t });
  return inserted;
}
