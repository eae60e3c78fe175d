import { HEALTHY, nextHealth, sameHealth } from "../../../src/relay/endpoint-health";

const DAY = 86_400_000;
const PAUSE = 5 * DAY;
const at = (atMs: number, outcome: "success" | "retry" | "failure" | "gone", message = "ARM failed with HTTP 500.") => ({ atMs, outcome, message });

describe("nextHealth", () => {
  test("a failure starts a failing run, later failures keep its start", () => {
    const h1 = nextHealth(HEALTHY, at(1000, "retry"), PAUSE);
    expect(h1).toEqual({ ...HEALTHY, failingSince: 1000 });
    expect(nextHealth(h1, at(5000, "failure"), PAUSE)).toEqual({ ...HEALTHY, failingSince: 1000 });
  });

  test("any success ends the run", () => {
    const failing = { ...HEALTHY, failingSince: 1000 };
    expect(nextHealth(failing, at(9000, "success"), PAUSE)).toEqual({ ...HEALTHY, lastSuccessAt: 9000 });
  });

  test("failing for the pause period pauses the endpoint, and says why and how to resume", () => {
    const failing = { ...HEALTHY, failingSince: 0 };
    expect(nextHealth(failing, at(PAUSE - 1, "retry"), PAUSE).pausedAt).toBeNull();
    const paused = nextHealth(failing, at(PAUSE, "retry", "ARM refused the connection."), PAUSE);
    expect(paused.pausedAt).toBe(PAUSE);
    expect(paused.pausedReason).toMatch(/paused: it has accepted none since 1970-01-01T00:00:00.000Z\. Last problem: ARM refused the connection\. .*reconnect/);
  });

  test("410 Gone pauses at once with ARM's message", () => {
    const h = nextHealth(HEALTHY, at(7, "gone", "ARM answered 410 Gone."), PAUSE);
    expect(h).toEqual({ failingSince: 7, lastSuccessAt: null, pausedAt: 7, pausedReason: "ARM answered 410 Gone." });
  });

  test("a paused endpoint stays paused with its first reason", () => {
    const paused = nextHealth(HEALTHY, at(7, "gone", "first"), PAUSE);
    expect(nextHealth(paused, at(10 * DAY, "retry", "second"), PAUSE)).toEqual(paused);
    expect(nextHealth(paused, at(10 * DAY, "success"), PAUSE)).toMatchObject({ pausedAt: 7, failingSince: null, lastSuccessAt: 10 * DAY });
  });

  test("sameHealth compares every field", () => {
    expect(sameHealth(HEALTHY, { ...HEALTHY })).toBe(true);
    expect(sameHealth(HEALTHY, { ...HEALTHY, lastSuccessAt: 1 })).toBe(false);
  });
});
