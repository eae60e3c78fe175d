import { classifyOutcome } from "../../../src/relay/classify-outcome";

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

describe("classifyOutcome", () => {
  test.each([200, 201, 202, 204, 299])("%d is success", (status) => {
    expect(classifyOutcome({ status }, NOW)).toMatchObject({ outcome: "success", throttled: false, retryAfterMs: null });
  });

  test("410 means the endpoint is gone and tells the admin what to check", () => {
    const c = classifyOutcome({ status: 410 }, NOW);
    expect(c.outcome).toBe("gone");
    expect(c.message).toMatch(/paused.*instance, org and edition/);
  });

  test.each([500, 502, 503, 504, 599, 408])("%d is retried", (status) => {
    expect(classifyOutcome({ status }, NOW)).toMatchObject({ outcome: "retry", throttled: false });
  });

  test("429 is retried, throttled, with its Retry-After in seconds or as a date", () => {
    expect(classifyOutcome({ status: 429, retryAfter: "120" }, NOW)).toMatchObject({ outcome: "retry", throttled: true, retryAfterMs: 120_000 });
    const date = new Date(NOW + 90_000).toUTCString();
    expect(classifyOutcome({ status: 429, retryAfter: date }, NOW)).toMatchObject({ retryAfterMs: 90_000 });
    expect(classifyOutcome({ status: 429, retryAfter: "soon" }, NOW)).toMatchObject({ retryAfterMs: null });
    expect(classifyOutcome({ status: 503, retryAfter: "7" }, NOW)).toMatchObject({ outcome: "retry", throttled: false, retryAfterMs: 7000 });
  });

  test("401 and 403 are retried and say the token is wrong", () => {
    for (const status of [401, 403]) {
      const c = classifyOutcome({ status }, NOW);
      expect(c.outcome).toBe("retry");
      expect(c.message).toMatch(/token stored for this repository is wrong.*Replace the token/);
    }
  });

  test("404 is retried and points at the ARM settings", () => {
    expect(classifyOutcome({ status: 404 }, NOW)).toMatchObject({ outcome: "retry", message: expect.stringMatching(/instance, org and edition/) });
  });

  test.each([400, 405, 413, 415, 422, 451])("%d is a permanent failure", (status) => {
    expect(classifyOutcome({ status }, NOW)).toMatchObject({ outcome: "failure", message: expect.stringContaining(`HTTP ${status}`) });
  });

  test.each([301, 302, 307, 100])("%d is a permanent failure: redirects are not followed", (status) => {
    expect(classifyOutcome({ status }, NOW)).toMatchObject({ outcome: "failure", message: expect.stringMatching(/redirects are not followed/) });
  });

  test("network errors are retried; only a timeout counts as throttling", () => {
    expect(classifyOutcome({ networkError: "timeout" }, NOW)).toMatchObject({ outcome: "retry", throttled: true, message: "ARM did not answer in time." });
    for (const networkError of ["refused", "reset", "dns", "tls", "other"] as const) {
      const c = classifyOutcome({ networkError }, NOW);
      expect(c).toMatchObject({ outcome: "retry", throttled: false, retryAfterMs: null });
      expect(c.message.length).toBeGreaterThan(10);
    }
  });
});
