import {
  DEFAULT_RETRY_SCHEDULE,
  JITTER,
  RETRY_AFTER_CAP_MS,
  THROTTLE_FLOOR_MS,
  firstAttemptAt,
  nextAttempt,
  parseDuration,
  parseRetrySchedule,
} from "../../../src/relay/retry-policy";
import { loadConfig, ConfigError } from "../../../src/config";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const schedule = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);
const mid = () => 0.5; // no jitter

describe("parseDuration", () => {
  test.each([
    ["0", 0],
    ["250ms", 250],
    ["5s", 5 * S],
    ["5", 5 * S],
    ["1.5s", 1500],
    ["5m", 5 * M],
    ["2h", 2 * H],
    ["5d", 5 * 24 * H],
    [" 10h ", 10 * H],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(["", "-5s", "5x", "s", "5 minutes", "1e3"])("%j is refused with a sentence", (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });
});

describe("parseRetrySchedule", () => {
  test("the default is Svix's: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", () => {
    expect(schedule).toEqual([0, 5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]);
  });

  test("a shortened schedule for tests", () => expect(parseRetrySchedule("0, 50ms ,100ms")).toEqual([0, 50, 100]));

  test.each([
    ["", /empty/],
    ["0,,5s", /empty entry at position 2/],
    ["0,5s,soon", /entry 3: "soon" is not a duration/],
    [Array(51).fill("1s").join(","), /at most 50/],
  ])("%j is refused", (text, message) => expect(() => parseRetrySchedule(text)).toThrow(message));

  test("a bad RELAY_RETRY_SCHEDULE stops start-up with a ConfigError naming the variable", () => {
    let err: unknown;
    try {
      loadConfig({ RELAY_RETRY_SCHEDULE: "0,5s,later" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe("RELAY_RETRY_SCHEDULE");
    expect((err as Error).message).toMatch(/RELAY_RETRY_SCHEDULE entry 3: "later" is not a duration/);
  });

  test("the other relay variables are read and checked", () => {
    const relay = loadConfig({ RELAY_RETRY_SCHEDULE: "0,1s", RELAY_ATTEMPT_TIMEOUT: "300ms", RELAY_ENDPOINT_CONCURRENCY: "3", RELAY_PAUSE_AFTER: "2h", RELAY_WORKER: "0" }).relay;
    expect(relay).toEqual({ retrySchedule: [0, 1000], attemptTimeoutMs: 300, endpointConcurrency: 3, pauseAfterMs: 2 * H, worker: false, retentionMs: 30 * 24 * H, leaseMs: 60 * S });
    expect(loadConfig({}).relay).toEqual({ retrySchedule: schedule, attemptTimeoutMs: 15 * S, endpointConcurrency: 32, pauseAfterMs: 5 * 24 * H, worker: true, retentionMs: 30 * 24 * H, leaseMs: 60 * S });
    expect(() => loadConfig({ RELAY_ATTEMPT_TIMEOUT: "10m" })).toThrow(/RELAY_ATTEMPT_TIMEOUT must be between/);
    expect(() => loadConfig({ RELAY_ENDPOINT_CONCURRENCY: "0" })).toThrow(/RELAY_ENDPOINT_CONCURRENCY/);
    expect(() => loadConfig({ RELAY_WORKER: "maybe" })).toThrow(/RELAY_WORKER/);
  });

  test("the lease: 4 attempt timeouts and at least a minute by default, settable, never too short to finish an attempt", () => {
    expect(loadConfig({ RELAY_ATTEMPT_TIMEOUT: "30s" }).relay.leaseMs).toBe(120 * S);
    expect(loadConfig({ RELAY_ATTEMPT_TIMEOUT: "1s", RELAY_LEASE: "5s" }).relay.leaseMs).toBe(5 * S);
    // An attempt starts only if it ends 2 s before the lease: 2 timeouts + 2 s is the least that is accepted.
    expect(loadConfig({ RELAY_ATTEMPT_TIMEOUT: "1s", RELAY_LEASE: "4s" }).relay.leaseMs).toBe(4 * S);
    expect(() => loadConfig({ RELAY_ATTEMPT_TIMEOUT: "1s", RELAY_LEASE: "3s" })).toThrow(/RELAY_LEASE must be between 4000 ms and 3600000 ms/);
    expect(() => loadConfig({ RELAY_LEASE: "2h" })).toThrow(/RELAY_LEASE/);
    expect(() => loadConfig({ RELAY_LEASE: "soon" })).toThrow(/RELAY_LEASE/);
  });
});

describe("nextAttempt", () => {
  const base = { schedule, random: mid, nowMs: 1_000_000 };

  test("the first attempt is due at receipt plus the first step", () => {
    expect(firstAttemptAt(schedule, 42)).toBe(42);
    expect(firstAttemptAt([5 * S, 1], 42)).toBe(5042);
  });

  test("success is done; a permanent failure gives up at once", () => {
    expect(nextAttempt({ ...base, attempt: 1, outcome: "success" })).toEqual({ kind: "done" });
    expect(nextAttempt({ ...base, attempt: 1, outcome: "failure" })).toMatchObject({ kind: "give-up" });
  });

  test("each retry waits the next step of the schedule, counted from now", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => nextAttempt({ ...base, attempt, outcome: "retry" }));
    expect(delays.map((d) => (d.kind === "retry" ? d.delayMs : d.kind))).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]);
    expect(delays[0]).toEqual({ kind: "retry", delayMs: 5 * S, atMs: 1_000_000 + 5 * S });
  });

  test("after the last step the delivery is given up, saying why", () => {
    const next = nextAttempt({ ...base, attempt: schedule.length, outcome: "retry" });
    expect(next).toEqual({ kind: "give-up", reason: "Gave up after 8 attempts: the retry schedule is exhausted." });
  });

  test("jitter stays within ±20 % and spans it", () => {
    const at = (r: number) => nextAttempt({ ...base, random: () => r, attempt: 2, outcome: "retry" });
    expect(at(0)).toMatchObject({ delayMs: 5 * M * (1 - JITTER) });
    expect(at(0.999999)).toMatchObject({ delayMs: Math.round(5 * M * (1 + JITTER * 0.999998)) });
    for (let i = 0; i < 200; i++) {
      const d = at(Math.random());
      if (d.kind !== "retry") throw new Error("expected a retry");
      expect(d.delayMs).toBeGreaterThanOrEqual(5 * M * 0.8);
      expect(d.delayMs).toBeLessThanOrEqual(5 * M * 1.2);
    }
  });

  test("a zero step stays immediate whatever the jitter", () => {
    expect(nextAttempt({ ...base, schedule: [0, 0, 1000], random: () => 0.99, attempt: 1, outcome: "retry" })).toMatchObject({ delayMs: 0 });
  });

  test("after a timeout or 429 the wait is at least 60 s, but never beyond the schedule's longest step", () => {
    expect(nextAttempt({ ...base, attempt: 1, outcome: "retry", throttled: true })).toMatchObject({ delayMs: THROTTLE_FLOOR_MS });
    expect(nextAttempt({ ...base, attempt: 3, outcome: "retry", throttled: true })).toMatchObject({ delayMs: 30 * M }); // already longer
    const short = parseRetrySchedule("0,50ms,200ms");
    expect(nextAttempt({ ...base, schedule: short, attempt: 1, outcome: "retry", throttled: true })).toMatchObject({ delayMs: 200 });
  });

  test("Retry-After is a lower bound, capped at one hour", () => {
    expect(nextAttempt({ ...base, attempt: 1, outcome: "retry", retryAfterMs: 120 * S })).toMatchObject({ delayMs: 120 * S });
    expect(nextAttempt({ ...base, attempt: 1, outcome: "retry", retryAfterMs: 2 * S })).toMatchObject({ delayMs: 5 * S });
    expect(nextAttempt({ ...base, attempt: 1, outcome: "retry", retryAfterMs: 30 * H })).toMatchObject({ delayMs: RETRY_AFTER_CAP_MS });
    expect(nextAttempt({ ...base, attempt: 5, outcome: "retry", retryAfterMs: 30 * H })).toMatchObject({ delayMs: 5 * H }); // schedule wins
  });

  test("gone never gives the delivery up: it is due again as soon as its endpoint is resumed", () => {
    expect(nextAttempt({ ...base, attempt: schedule.length, outcome: "gone" })).toEqual({ kind: "retry", atMs: base.nowMs, delayMs: 0 });
  });
});
