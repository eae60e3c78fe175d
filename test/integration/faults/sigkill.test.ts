/**
 * The app SIGKILLed in the middle of a burst (issue 3, item 9): every event it answered 2xx reaches ARM after a
 * restart on the same database, at least once, and a duplicate carries the same X-Request-UUID as the first copy.
 *
 * The app runs as a child process (fault-app.ts) receiving and delivering; this process holds the simulators and
 * sends the burst. ARM answers slowly enough that the kill leaves deliveries pending and some leased by the dead
 * worker. The lease is short (RELAY_LEASE), so the restarted worker takes those over in real time: no clock moved.
 */
import { postgresAvailable } from "../../support/services";
import { freePort, type DatabaseKind, type Stack } from "../../support/stack";
import { connect, startRelayStack } from "../relay/relay-support";
import { acceptedUuids, burst, checkAtLeastOnce, startAppChild, waitUntilQuiet, type AppChild } from "./fault-support";

const EVENTS = 300;
const KILL_AFTER = EVENTS / 2;
/** The least lease a 2 s attempt timeout allows (2 × timeout + 2 s). */
const SHORT_LEASE = { RELAY_ATTEMPT_TIMEOUT: "2s", RELAY_LEASE: "6s" };

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
    const first = await startAppChild(stack, port, SHORT_LEASE);
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

    // Within 20 s of the restart: only because the dead worker's 6 s leases ran out (the default is a minute).
    const second = await startAppChild(stack, port, SHORT_LEASE);
    apps.push(second);
    await waitUntilQuiet(stack, accepted, 20_000);

    const result = await checkAtLeastOnce(stack, accepted);
    expect(result.problems).toEqual([]);
    expect(result.delivered).toBe(accepted.length);
    console.info(
      `SIGKILL on ${kind}: ${accepted.length}/${EVENTS} accepted, ${armAtKill} ARM requests at the kill, ` +
        `${result.delivered} delivered after the restart, ${result.duplicates} duplicates, ${result.unansweredButStored} stored without an answer`,
    );
  }, 45_000);
});
