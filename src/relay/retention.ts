/**
 * Retention of the relay's log (RELAY_RETENTION): finished deliveries (delivered, failed, skipped) last touched
 * before the cutoff go, with their attempts; then events older than the cutoff that have no delivery left
 * (rejected ones never had any). A pending delivery is never deleted, nor the event it needs.
 * Deletes run in chunks, each its own short transaction, so SQLite's one write lock is never held for long.
 */
import { QueryTypes } from "sequelize";
import type { RelayWrites } from "../db/relay-writes";
import type { Logger } from "../log";

export interface Purged {
  deliveries: number;
  attempts: number;
  events: number;
}

const CHUNK = 500;
const FINISHED = "('delivered', 'failed', 'skipped')";

/** Deletes what is older than `retentionMs` before `nowMs`. */
export async function purgeExpired(writes: RelayWrites, opts: { nowMs: number; retentionMs: number; chunk?: number }): Promise<Purged> {
  const cutoff = new Date(opts.nowMs - opts.retentionMs);
  const chunk = opts.chunk ?? CHUNK;
  const purged: Purged = { deliveries: 0, attempts: 0, events: 0 };
  const { sequelize } = writes;
  // PostgreSQL: the chosen rows stay locked until commit, so a redelivery at the same moment waits and then finds them gone.
  const lock = writes.dialect === "postgres" ? "FOR UPDATE SKIP LOCKED" : "";
  for (;;) {
    const done = await writes.run(async (transaction) => {
      const ids = (
        await sequelize.query<{ id: string }>(
          `SELECT id FROM relay_deliveries WHERE status IN ${FINISHED} AND created_at < :cutoff AND updated_at < :cutoff LIMIT :chunk ${lock}`,
          { type: QueryTypes.SELECT, replacements: { cutoff, chunk }, transaction },
        )
      ).map((r) => r.id);
      if (ids.length === 0) return true;
      // Attempts explicitly rather than by ON DELETE CASCADE, so that they are counted.
      const attempts = await sequelize.query("DELETE FROM relay_attempts WHERE delivery_id IN (:ids)", { type: QueryTypes.BULKDELETE, replacements: { ids }, transaction });
      const deliveries = await sequelize.query(`DELETE FROM relay_deliveries WHERE id IN (:ids) AND status IN ${FINISHED}`, {
        type: QueryTypes.BULKDELETE,
        replacements: { ids },
        transaction,
      });
      purged.attempts += Number(attempts);
      purged.deliveries += Number(deliveries);
      return ids.length < chunk;
    });
    if (done) break;
  }
  for (;;) {
    const done = await writes.run(async (transaction) => {
      const ids = (
        await sequelize.query<{ id: string }>(
          `SELECT e.id FROM relay_events e WHERE e.received_at < :cutoff
             AND NOT EXISTS (SELECT 1 FROM relay_deliveries d WHERE d.event_id = e.id) LIMIT :chunk`,
          { type: QueryTypes.SELECT, replacements: { cutoff, chunk }, transaction },
        )
      ).map((r) => r.id);
      if (ids.length === 0) return true;
      const events = await sequelize.query(
        "DELETE FROM relay_events WHERE id IN (:ids) AND NOT EXISTS (SELECT 1 FROM relay_deliveries d WHERE d.event_id = relay_events.id)",
        { type: QueryTypes.BULKDELETE, replacements: { ids }, transaction },
      );
      purged.events += Number(events);
      return ids.length < chunk;
    });
    if (done) break;
  }
  return purged;
}

/**
 * Runs the purge once at start and then every `intervalMs` (default hourly) until stopped. Overlapping runs are
 * skipped; a failed run is logged and the next one tries again.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: { purge: (nowMs: number) => Promise<Purged>; logger: Logger; now?: () => number; intervalMs?: number }) {}

  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.deps.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        const purged = await this.deps.purge((this.deps.now ?? Date.now)());
        if (purged.deliveries + purged.events > 0) this.deps.logger.info(purged, "Relay log retention: old deliveries and events deleted");
      } catch (err) {
        this.deps.logger.warn({ err }, "Relay log retention failed; it runs again at the next interval");
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Stops the timer and waits for a run in progress (the database must stay open until then). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
