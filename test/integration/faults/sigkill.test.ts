/**
 * The app SIGKILLed in the middle of a burst (issue 3, item 9): every event it answered 2xx reaches ARM after a
 * restart on the same database, at least once, and a duplicate carries the same X-Request-UUID as the first copy.
 *
 * The app runs as a child process (fault-app.ts) receiving and delivering; this process holds the simulators and
 * sends the burst. ARM answers slowly enough that the kill leaves deliveries pending, among them deliveries written
 * leased to the dead worker (the in-process handoff) and never sent. The lease is short (RELAY_LEASE), so the
 * restarted worker takes those over in real time: no clock moved.
 */
import { Op } from "sequelize";
import { RelayDeliveryRow } from "../../../src/db/models";
import { postgresAvailable } from "../../support/services";
import { freePort, type DatabaseKind, type Stack } from "../../support/stack";
import { connect, startRelayStack } from "../relay/relay-support";
import { acceptedUuids, burst, checkAtLeastOnce, startAppChild, waitUntilQuiet, type AppChild } from "./fault-support";

const EVENTS = 300;
const KILL_AFTER = EVENTS / 2;
/**
 * The least lease a 2 s attempt timeout allows (2 × timeout + 2 s); 4 attempts at a time, so that ARM falls behind
 * and the kill finds deliveries that were written leased to the in-process worker but never sent.
 */
const CHILD_ENV = { RELAY_ATTEMPT_TIMEOUT: "2s", RELAY_LEASE: "6s", RELAY_ENDPOINT_CONCURRENCY: "4" };

const kinds: DatabaseKind[] = ["sqlite", ...(postgresAvailable() ? (["postgres"] as const) : [])];

describe.each(kinds)("SIGKILL mid-burst on %s", (kind) => {
  let stack: Stack;
  const apps: AppChild[] = [];

  beforeAll(async () => {
    // This process's own app only served the connect call; the child does the receiving and delivering.
    stack = await startRelayStack(kind, { RELAY_WORKER: "0" });
    await connect(stack, { triggers: { push: true, pullRequests: false, almSync: false } });
  }, 30_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await stack?.close();
  }, 30_000);

  test(`every event answered 2xx before the kill is delivered after the restart`, async () => {
    stack.arm.faults.add({ delayMs: 50 }); // slower than receiving, so a backlog is pending and leased at the kill
    const port = await freePort();
    const first = await startAppChild(stack, port, CHILD_ENV);
    apps.push(first);

    let armAtKill = -1;
    const answers = await burst(stack, first.url, {
      count: EVENTS,
      concurrency: 16,
      prefix: `kill-${kind}`,
      onAnswer: (_a, all) => {
        if (armAtKill >= 0 || acceptedUuids(all).length < KILL_AFTER) return;
        first.child.kill("SIGKILL");
        armAtKill = stack.arm.deliveries.length;
      },
    });
    expect(armAtKill).toBeGreaterThanOrEqual(0);
    expect(await first.exited).toBe("SIGKILL");
    const accepted = acceptedUuids(answers);
    // Only 202 (stored) before the kill, then nothing at all: no answer claims more than it did.
    expect(answers.filter((a) => a.status !== null && a.status !== 202)).toEqual([]);
    expect(accepted.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(accepted.length).toBeLessThan(EVENTS);
    expect(armAtKill).toBeLessThan(accepted.length); // the crash really left accepted events undelivered
    // The crash window of the in-process handoff: rows committed under the dead worker's lease that never reached
    // ARM (ARM's answers to the dead process have settled by now). Only the lease running out frees them.
    await new Promise((r) => setTimeout(r, 300));
    const seenAtArm = new Set(stack.arm.deliveries.map((d) => d.headers["x-request-uuid"]));
    const leasedNeverSent = (await RelayDeliveryRow.findAll({ where: { status: "pending", leaseUntil: { [Op.gt]: new Date() } } }))
      .map((d) => d.id)
      .filter((id) => !seenAtArm.has(id));
    expect(leasedNeverSent.length).toBeGreaterThan(0);

    // Within 20 s of the restart: only because the dead worker's 6 s leases ran out (the default is a minute).
    const second = await startAppChild(stack, port, CHILD_ENV);
    apps.push(second);
    await waitUntilQuiet(stack, accepted, 20_000);

    const result = await checkAtLeastOnce(stack, accepted);
    expect(result.problems).toEqual([]);
    expect(result.delivered).toBe(accepted.length);
    // Each of those went out after the restart as a first attempt: the crash cost them time, not an attempt.
    const firstTry = new Map(stack.arm.deliveries.map((d) => [d.headers["x-request-uuid"], d.headers["x-attempt-number"]]));
    expect(leasedNeverSent.filter((id) => firstTry.get(id) !== "1")).toEqual([]);
    console.info(
      `SIGKILL on ${kind}: ${accepted.length}/${EVENTS} accepted, ${armAtKill} ARM requests at the kill, ` +
        `${leasedNeverSent.length} leased but never sent, ${result.delivered} delivered after the restart, ${result.duplicates} duplicates, ${result.unansweredButStored} stored without an answer`,
    );
  }, 45_000);
});
