/** A relay endpoint paused by ARM's 410 Gone shows in GET /api/connection, and a reconnect resumes it. */
import { RelayDeliveryRow } from "../../../src/db/models";
import type { RelayWorker } from "../../../src/relay/worker";
import { leakedSecrets, REPO, testDatabases, type Stack } from "../../support/stack";
import { metricValue } from "../../support/metrics";
import { connect, startRelayStack, TestClock } from "../relay/relay-support";

const HOUR = 60 * 60 * 1000;

describe.each(testDatabases())("paused relay endpoints on %s", (kind) => {
  let stack: Stack;
  let worker: RelayWorker;
  const clock = new TestClock();

  beforeAll(async () => {
    stack = await startRelayStack(kind, { RELAY_WORKER: "0", RELAY_RETRY_SCHEDULE: "0,5s,5m" });
    await connect(stack, { triggers: { push: true, pullRequests: true, almSync: false } });
    worker = stack.app.createWorker({ now: clock.now });
  });
  afterAll(() => stack?.close());

  const view = async () => (await (await stack.settings()).call("GET", "/api/connection")).body;
  /** The gauges as a Prometheus scrape reads them: counted in the database at each scrape. */
  const gauges = async () => {
    const text = await (await fetch(`${stack.app.url}/metrics`)).text();
    return { backlog: metricValue(text, "arm_relay_backlog"), paused: metricValue(text, "arm_relay_paused_endpoints") };
  };

  test("410 Gone: the endpoint is listed as paused with its reason and time; a reconnect clears it and the event goes out", async () => {
    expect((await view()).connection).toMatchObject({ pausedEndpoints: [], unsentDeliveries: 0 });
    expect(await gauges()).toEqual({ backlog: 0, paused: 0 });
    stack.arm.faults.add({ status: 410, times: 1 });
    const before = Date.now();
    const pushed = await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "change" }] });
    expect(pushed.deliveries.find((d) => d.target === "connect")!.attempts.at(-1)!.status).toBe(202);
    expect(await worker.runOnce()).toBe(1);

    const pausedView = (await view()).connection;
    expect(pausedView.unsentDeliveries).toBe(1); // kept, and counted for the disconnect warning
    expect(await gauges()).toEqual({ backlog: 1, paused: 1 }); // what an operator's alert watches
    const paused = pausedView.pausedEndpoints;
    expect(paused).toEqual([{ endpoint: "push", pausedAt: expect.any(String), reason: expect.stringMatching(/410 Gone.*reconnect/) }]);
    expect(Date.parse(paused[0].pausedAt)).toBeGreaterThanOrEqual(before - 1000);
    clock.advance(HOUR);
    expect(await worker.runOnce()).toBe(0); // paused: nothing goes out, however long it waits

    const page = await stack.settings();
    const reconnected = await page.call("POST", "/api/connection/reconnect");
    expect(reconnected.status).toBe(200);
    expect(reconnected.body.connection.pausedEndpoints).toEqual([]);
    expect((await view()).connection.pausedEndpoints).toEqual([]);

    expect(await worker.runOnce()).toBe(1);
    const [delivery] = await RelayDeliveryRow.findAll();
    expect(delivery).toMatchObject({ status: "delivered", attempts: 2 });
    expect((await view()).connection.unsentDeliveries).toBe(0);
    expect(await gauges()).toEqual({ backlog: 0, paused: 0 });
    expect(stack.arm.deliveries.map((d) => d.status)).toEqual([410, 200]);
  });

  test("no answer and no log line carried the ARM token", () => {
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
