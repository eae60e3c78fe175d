/** Retention on SQLite and PostgreSQL with an injected clock: only finished rows older than the cutoff go, never pending ones. */
import { randomUUID } from "node:crypto";
import { RelayAttemptRow, RelayDeliveryRow, RelayEventRow } from "../../../src/db/models";
import type { DeliveryStatus } from "../../../src/db/models/relay-delivery";
import { RelayWrites } from "../../../src/db/relay-writes";
import { purgeExpired } from "../../../src/relay/retention";
import { testDatabases, type Stack } from "../../support/stack";
import { connect, startRelayStack } from "../relay/relay-support";

const DAY = 86_400_000;

describe.each(testDatabases())("relay retention on %s", (kind) => {
  let stack: Stack;
  let connectionId: number;
  beforeAll(async () => {
    stack = await startRelayStack(kind, { RELAY_WORKER: "0" });
    await connect(stack);
    connectionId = Number((await stack.db.rows("connections"))[0].id);
  });
  afterAll(() => stack?.close());

  /** One event with a delivery per status given (an attempt each for those that were tried); returns the event id. */
  async function event(at: Date, statuses: DeliveryStatus[], status: "accepted" | "rejected" = "accepted"): Promise<string> {
    const id = randomUUID();
    await RelayEventRow.create({
      id,
      clientKey: stack.clientKey,
      connectionId: status === "accepted" ? connectionId : null,
      eventKey: "repo:push",
      sourceRequestUuid: randomUUID(),
      status,
      rejectReason: status === "rejected" ? "malformed" : null,
      summary: "main",
      body: status === "accepted" ? Buffer.from("{}") : null,
      bodySize: 2,
      receivedAt: at,
    });
    for (const [i, s] of statuses.entries()) {
      const deliveryId = randomUUID();
      await RelayDeliveryRow.create({
        id: deliveryId,
        eventId: id,
        connectionId,
        endpoint: i === 0 ? "push" : "alm-sync",
        url: "http://127.0.0.1:9/x",
        status: s,
        attempts: s === "skipped" || s === "pending" ? 0 : 1,
        nextAttemptAt: s === "pending" ? at : null,
        leaseUntil: null,
        leasedBy: null,
        lastStatusCode: null,
        lastOutcome: null,
        lastError: null,
        lastLatencyMs: null,
        deliveredAt: null,
        createdAt: at,
      });
      if (s === "delivered" || s === "failed") {
        await RelayAttemptRow.create({ deliveryId, attempt: 1, startedAt: at, statusCode: s === "delivered" ? 200 : 500, outcome: "success", latencyMs: 5, responseSnippet: "ok", error: null });
      }
    }
    return id;
  }

  test("finished deliveries, their attempts and emptied events older than the retention go; pending ones and newer ones stay", async () => {
    const writes = new RelayWrites(RelayEventRow.sequelize!);
    const now = Date.now();
    await event(new Date(now), ["delivered"]);
    await event(new Date(now), ["failed"]);
    await event(new Date(now), ["skipped"]);
    const mixed = await event(new Date(now), ["pending", "delivered"]);
    await event(new Date(now), [], "rejected");
    const newer = await event(new Date(now + 2 * DAY), ["delivered"]);
    const newerRejected = await event(new Date(now + 2 * DAY), [], "rejected");
    const count = async () => ({ events: await RelayEventRow.count(), deliveries: await RelayDeliveryRow.count(), attempts: await RelayAttemptRow.count() });
    expect(await count()).toEqual({ events: 7, deliveries: 6, attempts: 4 });

    // 29 days later nothing is old enough yet.
    expect(await purgeExpired(writes, { nowMs: now + 29 * DAY, retentionMs: 30 * DAY, chunk: 2 })).toEqual({ events: 0, deliveries: 0, attempts: 0 });
    expect(await count()).toEqual({ events: 7, deliveries: 6, attempts: 4 });

    // 31 days later: delivered, failed, skipped and the mixed event's delivered one go (in chunks of 2), with 3 attempts.
    expect(await purgeExpired(writes, { nowMs: now + 31 * DAY, retentionMs: 30 * DAY, chunk: 2 })).toEqual({ events: 4, deliveries: 4, attempts: 3 });
    const events = await RelayEventRow.findAll();
    expect(events.map((e) => e.id).sort()).toEqual([mixed, newer, newerRejected].sort());
    const deliveries = await RelayDeliveryRow.findAll();
    expect(deliveries.map((d) => [d.eventId, d.status]).sort()).toEqual([[mixed, "pending"], [newer, "delivered"]].sort());
    expect(await RelayAttemptRow.count()).toBe(1);

    // A pending delivery is never deleted, however old.
    await purgeExpired(writes, { nowMs: now + 400 * DAY, retentionMs: 30 * DAY });
    expect((await RelayDeliveryRow.findAll()).map((d) => d.status)).toEqual(["pending"]);
    expect((await RelayEventRow.findAll()).map((e) => e.id)).toEqual([mixed]);
  });
});
