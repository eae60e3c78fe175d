import { RETRY_LIMITS, classifyResponse, parseRetryAfter, type ResponseFacts } from "../../../src/bitbucket/classify-response";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const env = { random: () => 0.5, nowMs: NOW };
const classify = (facts: Partial<ResponseFacts>) => classifyResponse({ method: "GET", attempt: 1, ...facts }, env);
const bbError = (message: string, extra: object = {}) => ({ type: "error", error: { message, ...extra } });

describe("classifyResponse", () => {
  it.each([200, 201, 204])("%i is success", (status) => {
    expect(classify({ status })).toMatchObject({ isFailure: false, retryable: false, code: "ok" });
  });

  describe("429", () => {
    it.each(["GET", "POST", "PUT", "DELETE"])("is retried for %s, honouring Retry-After in seconds", (method) => {
      expect(classify({ method, status: 429, headers: { "retry-after": "7" } })).toMatchObject({
        retryable: true,
        retryDelayMs: 7000,
        code: "rate-limited",
      });
    });

    it("honours Retry-After as an HTTP date, header name in any case", () => {
      const at = new Date(NOW + 12_000).toUTCString();
      expect(classify({ status: 429, headers: { "Retry-After": at } })).toMatchObject({ retryable: true, retryDelayMs: 12_000 });
    });

    it("a date in the past means now", () => {
      expect(classify({ status: 429, headers: { "retry-after": new Date(NOW - 5000).toUTCString() } }).retryDelayMs).toBe(0);
    });

    it("beyond the cap: not retried now, and the message says when to come back", () => {
      const c = classify({ status: 429, headers: { "retry-after": "900" } });
      expect(c).toMatchObject({ retryable: false, isFailure: true, code: "rate-limited", retryAfterMs: 900_000 });
      expect(c.message).toBe(
        "Bitbucket's rate limit for this app was reached (HTTP 429); try again after 2026-03-01 12:15 UTC (in about 15 minutes).",
      );
    });

    it("exactly at the cap is still waited for", () => {
      const c = classify({ status: 429, headers: { "retry-after": String(RETRY_LIMITS.maxRetryAfterMs / 1000) } });
      expect(c).toMatchObject({ retryable: true, retryDelayMs: RETRY_LIMITS.maxRetryAfterMs });
    });

    it("without (or with an unreadable) Retry-After: exponential back-off", () => {
      const a1 = classify({ status: 429, attempt: 1 }).retryDelayMs;
      const a2 = classify({ status: 429, attempt: 2, headers: { "retry-after": "soon" } }).retryDelayMs;
      expect(a1).toBe(1500); // 2000 * (0.5 + 0.5 * 0.5)
      expect(a2).toBe(3000);
    });
  });

  describe("5xx and network failures", () => {
    it.each(["GET", "PUT", "DELETE"])("are retried for idempotent %s with growing, jittered delays", (method) => {
      const low = { random: () => 0, nowMs: NOW };
      const high = { random: () => 0.999999, nowMs: NOW };
      const d = (attempt: number, e = env) => classifyResponse({ method, status: 503, attempt }, e).retryDelayMs;
      expect(classifyResponse({ method, status: 503, attempt: 1 }, env)).toMatchObject({ retryable: true, ambiguous: false, code: "server-error" });
      expect([d(1), d(2), d(3)]).toEqual([375, 750, 1500]);
      expect(d(3, low)).toBe(1000);
      expect(d(3, high)).toBe(2000);
      expect(d(20)).toBeLessThanOrEqual(RETRY_LIMITS.maxBackoffMs);
    });

    it.each([500, 502, 503, 504])("POST answered %i is an ambiguous failure, not retried", (status) => {
      const c = classify({ method: "POST", status });
      expect(c).toMatchObject({ retryable: false, isFailure: true, ambiguous: true, code: "server-error" });
      expect(c.message).toMatch(new RegExp(`HTTP ${status}.*unknown whether the change was made.*nothing is created twice`));
    });

    it.each([
      ["timeout", "timeout"],
      ["reset", "network-error"],
      ["other", "network-error"],
    ] as const)("%s: retried for GET, ambiguous for POST", (networkError, code) => {
      expect(classify({ networkError })).toMatchObject({ retryable: true, code });
      expect(classify({ method: "POST", networkError })).toMatchObject({ retryable: false, ambiguous: true, code });
    });

    it.each(["refused", "dns"] as const)("%s never reached Bitbucket, so even POST is retried", (networkError) => {
      expect(classify({ method: "POST", networkError })).toMatchObject({ retryable: true, ambiguous: false, code: "network-error" });
    });

    it("a TLS failure is not retried", () => {
      expect(classify({ networkError: "tls" })).toMatchObject({ retryable: false, isFailure: true, message: expect.stringMatching(/TLS/) });
    });
  });

  describe("4xx", () => {
    it("401 asks for a reinstall", () => {
      const c = classify({ status: 401, body: bbError("Token expired") });
      expect(c).toMatchObject({ retryable: false, isFailure: true, code: "unauthorized" });
      expect(c.message).toMatch(/refused the app's credentials.*Reinstall/);
    });

    it("403 quotes Bitbucket and names the missing scopes", () => {
      const body = bbError("Your credentials lack one or more required privilege scopes.", {
        detail: { granted: ["repository"], required: ["webhook", "repository"] },
      });
      const c = classify({ method: "POST", status: 403, body });
      expect(c).toMatchObject({ retryable: false, ambiguous: false, code: "forbidden" });
      expect(c.message).toContain('"Your credentials lack one or more required privilege scopes."');
      expect(c.message).toContain('missing the permission scope "webhook".');
      expect(c.message).toMatch(/"webhook" scope, plus "repository".*"pullrequest"/);
    });

    it("403 without a body still says what the app needs", () => {
      expect(classify({ status: 403 }).message).toMatch(/^Bitbucket refused permission \(HTTP 403\)\. The app needs the "webhook" scope/);
    });

    it("404 says the repository is missing or out of reach", () => {
      expect(classify({ status: 404 })).toMatchObject({
        retryable: false,
        code: "not-found",
        message: "The repository was not found, or the app has no access to it (HTTP 404).",
      });
    });

    it("400 gives Bitbucket's validation message and fields", () => {
      const body = bbError("Invalid webhook", { fields: { url: ["Enter a valid URL."], events: ["Unknown event."] } });
      expect(classify({ status: 400, body })).toMatchObject({
        retryable: false,
        code: "bad-request",
        message: 'Bitbucket rejected the request (HTTP 400): "Invalid webhook" (url: Enter a valid URL.; events: Unknown event.).',
      });
    });

    it("400 with a string detail appends it; over-long text is cut", () => {
      const c = classify({ status: 400, body: bbError("Bad", { detail: "x".repeat(1000) }) });
      expect(c.message.length).toBeLessThan(400);
      expect(c.message).toMatch(/^Bitbucket rejected the request \(HTTP 400\): "Bad xxx/);
    });

    it("other 4xx are failures with Bitbucket's words; an odd body is ignored", () => {
      expect(classify({ status: 409, body: bbError("Conflict here") })).toMatchObject({
        retryable: false,
        code: "client-error",
        message: 'Bitbucket refused the request (HTTP 409): "Conflict here".',
      });
      expect(classify({ status: 400, body: "<html>" }).message).toBe("Bitbucket rejected the request (HTTP 400).");
    });
  });

  it("3xx is an unexpected answer", () => {
    expect(classify({ status: 302 })).toMatchObject({ retryable: false, isFailure: true, code: "unexpected-response" });
  });
});

describe("parseRetryAfter", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["0", 0],
    [" 3 ", 3000],
    ["-1", undefined],
    ["1.5", undefined],
    ["Sun, 01 Mar 2026 12:00:10 GMT", 10_000],
  ])("%p -> %p", (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });
});
