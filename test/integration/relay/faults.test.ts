/**
 * ARM faults and the retry schedule, with an injected clock: the worker runs one claim at a time (runOnce) and
 * the test moves time forward, so hours of schedule take milliseconds.
 */
import { ARM_TOKEN, ORG, REPO, type Stack } from "../../support/stack";
import type { RelayWorker } from "../../../src/relay/worker";
import { RelayDeliveryRow, RelayAttemptRow } from "../../../src/db/models";
import { connect, startRelayStack, TestClock } from "./relay-support";

const S = 1000;
const M = 60 * S;
const H = 60 * M;

let stack: Stack;
let worker: RelayWorker;
const clock = new TestClock();

beforeAll(async () => {
  stack = await startRelayStack("sqlite", { RELAY_WORKER: "0", RELAY_RETRY_SCHEDULE: "0,5s,5m,30m,2h", RELAY_PAUSE_AFTER: "1h", RELAY_ATTEMPT_TIMEOUT: "1s" });
  await connect(stack, { triggers: { push: true, pullRequests: true, almSync: false } });
  worker = stack.app.createWorker({ now: clock.now });
});
afterAll(() => stack?.close());
beforeEach(() => {
  stack.arm.reset();
  stack.arm.setToken(ORG, ARM_TOKEN);
});

/** Pushes once and returns the delivery id (one endpoint is connected). */
async function push(): Promise<string> {
  const outcome = await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "change" }] });
  const connectDelivery = outcome.deliveries.find((d) => d.target === "connect")!;
  expect(connectDelivery.attempts.at(-1)!.status).toBe(202);
  const rows = await RelayDeliveryRow.findAll({ where: { status: "pending" }, order: [["createdAt", "DESC"]], limit: 1 });
  return rows[0].id;
}

const delivery = async (id: string) => (await RelayDeliveryRow.findByPk(id))!;
const attemptsOf = (id: string) => RelayAttemptRow.findAll({ where: { deliveryId: id }, order: [["attempt", "ASC"]] });
const run = () => worker.runOnce();
const failedTotal = async () => (await stack.app.metrics.failed.get()).values[0]?.value ?? 0;

test("500, then success after the next step: the same X-Request-UUID, the attempt number counting up", async () => {
  stack.arm.faults.add({ status: 500, times: 1 });
  const id = await push();
  // The attempt ends somewhere between these two readings of the clock (which also moves in real time).
  const before = clock.now();
  expect(await run()).toBe(1);
  const after = clock.now();
  let d = await delivery(id);
  expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastOutcome: "retry", lastError: "ARM failed with HTTP 500.", leaseUntil: null });
  expect(d.nextAttemptAt!.getTime() - before).toBeGreaterThanOrEqual(4 * S); // 5 s step, -20 % jitter
  expect(d.nextAttemptAt!.getTime() - after).toBeLessThanOrEqual(6 * S); // 5 s step, +20 % jitter
  expect(await run()).toBe(0); // not due yet
  clock.advance(6 * S);
  expect(await run()).toBe(1);
  d = await delivery(id);
  expect(d).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200, nextAttemptAt: null });
  expect(Math.abs(d.deliveredAt!.getTime() - clock.now())).toBeLessThan(1000);
  const seen = stack.arm.deliveries;
  expect(seen.map((x) => [x.status, x.headers["x-attempt-number"], x.headers["x-request-uuid"]])).toEqual([
    [500, "1", id],
    [200, "2", id],
  ]);
  expect(seen[0].body.equals(seen[1].body)).toBe(true);
  expect((await attemptsOf(id)).map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
    [1, 500, "retry"],
    [2, 200, "success"],
  ]);
});

test("429 with Retry-After: the next attempt waits what ARM asked (beyond the 5 s step)", async () => {
  stack.arm.faults.add({ status: 429, retryAfterSeconds: 120, times: 1 });
  const id = await push();
  const before = clock.now();
  await run();
  expect((await delivery(id)).nextAttemptAt!.getTime() - before).toBeGreaterThanOrEqual(120 * S);
  clock.advance(115 * S);
  expect(await run()).toBe(0);
  clock.advance(6 * S);
  await run();
  expect(await delivery(id)).toMatchObject({ status: "delivered", attempts: 2 });
});

test("a timeout is retried no sooner than 60 s later", async () => {
  stack.arm.faults.add({ hang: true, times: 1 });
  const id = await push();
  await run();
  const d = await delivery(id);
  expect(d).toMatchObject({ status: "pending", lastStatusCode: null, lastOutcome: "retry" });
  expect(d.lastError).toBe("ARM did not answer in time. (no answer within 1000 ms)");
  expect(d.nextAttemptAt!.getTime() - clock.now()).toBeGreaterThan(59 * S); // 60 s from the end of the attempt
  clock.advance(61 * S);
  await run();
  expect(await delivery(id)).toMatchObject({ status: "delivered", attempts: 2 });
});

test("connection refused is retried, and delivered once ARM is back", async () => {
  await stack.arm.refuseConnections();
  const id = await push();
  try {
    await run();
    expect(await delivery(id)).toMatchObject({ status: "pending", lastOutcome: "retry", lastError: expect.stringMatching(/refused the connection.*ECONNREFUSED/) });
  } finally {
    await stack.arm.resume();
  }
  clock.advance(6 * S);
  await run();
  expect(await delivery(id)).toMatchObject({ status: "delivered", attempts: 2 });
});

test("a wrong token (ARM answers 401) tells the admin, and succeeds once ARM has the right one", async () => {
  stack.arm.setToken(ORG, "a-different-token-in-arm");
  const id = await push();
  await run();
  expect((await delivery(id)).lastError).toMatch(/token stored for this repository is wrong/);
  stack.arm.setToken(ORG, ARM_TOKEN);
  clock.advance(6 * S);
  await run();
  expect(await delivery(id)).toMatchObject({ status: "delivered", attempts: 2 });
});

test("a permanent refusal (400) gives the delivery up at once", async () => {
  stack.arm.faults.add({ status: 400, times: 1 });
  const id = await push();
  await run();
  expect(await delivery(id)).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null, lastOutcome: "failure" });
});

test("500 on every attempt: given up after the last step of the schedule, and the endpoint paused after an hour of failures", async () => {
  stack.arm.faults.add({ status: 503 });
  const failedBefore = await failedTotal();
  const id = await push();
  const steps = [0, 6 * S, 6 * M, 36 * M, 2.4 * H];
  for (const step of steps) {
    clock.advance(step);
    expect(await run()).toBe(1);
  }
  const d = await delivery(id);
  expect(d).toMatchObject({ status: "failed", attempts: 5 });
  expect(d.lastError).toBe("ARM failed with HTTP 503. Gave up after 5 attempts: the retry schedule is exhausted.");
  expect(await failedTotal()).toBe(failedBefore + 1);

  // Failing for more than RELAY_PAUSE_AFTER (1 h): the endpoint is paused and the settings page says so.
  const page = await stack.settings();
  const view = (await page.call("GET", "/api/connection")).body.connection;
  expect(view.pausedEndpoints).toEqual([{ endpoint: "push", pausedAt: expect.any(String), reason: expect.stringMatching(/paused: it has accepted none since .*HTTP 503/) }]);

  // While paused, new deliveries wait (pending, not attempted) however long.
  stack.arm.faults.clear();
  const waiting = await push();
  clock.advance(10 * H);
  expect(await run()).toBe(0);
  expect(await delivery(waiting)).toMatchObject({ status: "pending", attempts: 0 });

  // A reconnect resumes the endpoint.
  const resumed = (await page.call("POST", "/api/connection/reconnect")).body.connection;
  expect(resumed.pausedEndpoints).toEqual([]);
  expect(await run()).toBe(1);
  expect(await delivery(waiting)).toMatchObject({ status: "delivered", attempts: 1 });
});

test("410 Gone pauses the endpoint at once; the delivery is kept, not given up, and goes out after a reconnect", async () => {
  stack.arm.faults.add({ status: 410, times: 1 });
  const id = await push();
  await run();
  expect(await delivery(id)).toMatchObject({ status: "pending", attempts: 1, lastOutcome: "gone" });
  const page = await stack.settings();
  expect((await page.call("GET", "/api/connection")).body.connection.pausedEndpoints).toEqual([
    { endpoint: "push", pausedAt: expect.any(String), reason: expect.stringMatching(/410 Gone/) },
  ]);
  clock.advance(H);
  expect(await run()).toBe(0);
  await page.call("POST", "/api/connection/reconnect");
  expect(await run()).toBe(1);
  expect(await delivery(id)).toMatchObject({ status: "delivered", attempts: 2 });
  expect(stack.arm.deliveries.map((d) => d.headers["x-request-uuid"])).toEqual([id, id]);
});
