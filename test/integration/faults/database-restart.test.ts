/**
 * PostgreSQL restarted under load (issue 3, item 9): while a burst is received and delivered, the database goes
 * away for a second and comes back. The app keeps running, answers 503 (never 2xx) while it cannot store, and
 * afterwards every event it answered 2xx is stored and reaches ARM.
 *
 * Why not restart the service: the PostgreSQL server is shared with the other test files running in parallel,
 * and restarting it needs root. What a restart does to one app is what this does to its scratch database:
 * ALLOW_CONNECTIONS false refuses new connections (as a server starting up or shutting down does), and
 * pg_terminate_backend drops every open one mid-query (as the shutdown does); then connections are allowed again.
 * The admin connection is to the maintenance database, so it is never among those terminated.
 */
import { Client } from "pg";
import { RelayEventRow } from "../../../src/db/models";
import { postgresAvailable, POSTGRES_URL } from "../../support/services";
import { freePort, type Stack } from "../../support/stack";
import { eventually } from "../../support/eventually";
import { connect, startRelayStack } from "../relay/relay-support";
import { acceptedUuids, burst, checkAtLeastOnce, LEASE_SKIP_MS, startAppChild, waitUntilQuiet, type AppChild, type Answer } from "./fault-support";

const EVENTS = 600;
const OUTAGE_AFTER = 150; // answers before the database goes away
const OUTAGE_MS = 1_000;

const pg = postgresAvailable();
(pg ? describe : describe.skip)("PostgreSQL restarted under load", () => {
  let stack: Stack;
  let app: AppChild | undefined;
  let admin: Client;
  let database: string;

  const allowConnections = (allow: boolean) => admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS ${allow}`);

  beforeAll(async () => {
    stack = await startRelayStack("postgres", { RELAY_WORKER: "0" });
    await connect(stack, { triggers: { push: true, pullRequests: false, almSync: false } });
    database = new URL(stack.config.database.url).pathname.slice(1);
    admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
  }, 30_000);

  afterAll(async () => {
    if (admin) await allowConnections(true).finally(() => admin.end());
    await app?.stop();
    await stack?.close();
  }, 30_000);

  /** Takes the scratch database away, waits, and brings it back; returns when it was away (ms since the epoch). */
  async function restartDatabase(): Promise<{ from: number; to: number }> {
    await allowConnections(false);
    const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
    expect(killed.rowCount).toBeGreaterThan(0); // the app's pool really lost its connections
    const from = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const to = Date.now();
    await allowConnections(true);
    return { from, to };
  }

  test("the app answers 503 while the database is away and delivers every accepted event after it", async () => {
    stack.arm.faults.add({ delayMs: 5 });
    app = await startAppChild(stack, await freePort());
    const running = app;

    let outage: Promise<{ from: number; to: number }> | undefined;
    let readyDuringOutage: number | undefined;
    const answers = await burst(stack, running.url, {
      count: EVENTS,
      concurrency: 4,
      gapMs: 25, // a steady stream over a few seconds rather than one spike
      prefix: "pg-restart",
      onAnswer: (_a, all) => {
        if (outage || all.length < OUTAGE_AFTER) return;
        outage = restartDatabase();
        // Half-way through, the load balancer's view: alive but not ready.
        setTimeout(() => void fetch(`${running.url}/readyz`).then((r) => (readyDuringOutage = r.status), () => (readyDuringOutage = -1)), OUTAGE_MS / 2);
      },
    });
    const window = await outage!;

    expect(running.child.exitCode).toBeNull(); // still running
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect(readyDuringOutage).toBe(503);
    await eventually(async () => ((await fetch(`${running.url}/readyz`)).status === 200 ? true : undefined), 10_000);

    // Every request had an answer, and only "stored" or "could not store": the app never went down.
    const byStatus = (s: number) => answers.filter((a) => a.status === s);
    expect(answers.filter((a) => a.status !== 202 && a.status !== 503)).toEqual([]);
    // Sent and answered while the database was away: all refused. (There must be some, or this proves nothing.)
    const during = answers.filter((a: Answer) => a.startedAt >= window.from && a.endedAt <= window.to);
    expect(during.length).toBeGreaterThan(10);
    expect(during.filter((a) => a.status !== 503)).toEqual([]);
    // Once it was back, events were stored again.
    expect(answers.filter((a) => a.startedAt > window.to + 500 && a.status === 202).length).toBeGreaterThan(10);

    // A 2xx means stored: each accepted event is in the database.
    const accepted = acceptedUuids(answers);
    const stored = new Set((await RelayEventRow.findAll({ attributes: ["sourceRequestUuid"] })).map((e) => e.sourceRequestUuid));
    expect(accepted.filter((u) => !stored.has(u))).toEqual([]);

    // Attempts whose result could not be recorded during the outage are reclaimed after their lease (skipped, not waited for).
    await running.advanceClock(LEASE_SKIP_MS);
    await waitUntilQuiet(stack, accepted, 20_000);
    const result = await checkAtLeastOnce(stack, accepted);
    expect(result.problems).toEqual([]);
    expect(result.delivered).toBe(accepted.length);
    console.info(
      `PostgreSQL restart: ${accepted.length}/${EVENTS} accepted, ${byStatus(503).length} answered 503 (${during.length} inside the ${OUTAGE_MS} ms outage), ` +
        `${result.delivered} delivered, ${result.duplicates} duplicates, ${result.unansweredButStored} stored although answered 503`,
    );
  }, 45_000);
});
