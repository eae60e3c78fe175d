/** Scenario 10: Bitbucket rate limits, outages and refusals: retried where safe, never duplicated, always told in a plain sentence. */
import type { FaultSpec } from "../../../simulators";
import {
  ARM_TOKEN,
  armUrls,
  connectBody,
  errorShapeProblems,
  leakedSecrets,
  startStackOn,
  testDatabases,
  type SettingsClient,
  type Stack,
} from "../../support/stack";

const HOOKS = /\/hooks(\?|$)/; // the list and create calls, not calls on one hook

describe.each(testDatabases())("Bitbucket faults on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackOn(kind);
  });
  afterEach(() => stack.bitbucket.faults.clear());
  afterAll(() => stack?.close());

  async function page(slug: string): Promise<{ repo: string; page: SettingsClient }> {
    const repo = stack.addRepo(slug);
    return { repo, page: await stack.settings(repo) };
  }
  const rowOf = async (repo: string) => (await stack.db.rows("connections")).find((r) => r.repo_uuid === stack.repoUuid(repo));
  const calls = (since: number, method: string) => stack.bitbucket.requests.slice(since).filter((r) => r.method === method && HOOKS.test(r.path));
  const fault = (spec: FaultSpec) => stack.bitbucket.faults.add(spec);
  const endpoints = (repo: string) => stack.bitbucket.hooks(repo).map((h) => h.url).sort();
  const bothUrls = () => [armUrls(stack).enterpriseAlm, armUrls(stack).enterprisePush];

  /**
   * Runs `work` while `decide` sees every Bitbucket request first and may return a fault for it alone
   * (the simulator's own faults match by method and path only, so they cannot pick "the second POST").
   */
  async function intercepting<T>(decide: (method: string, path: string) => FaultSpec | undefined, work: () => Promise<T>): Promise<T> {
    const faults = stack.bitbucket.faults;
    const take = faults.take.bind(faults);
    faults.take = (method, path) => {
      const spec = decide(method, path);
      if (spec) faults.add({ ...spec, times: 1 });
      return take(method, path);
    };
    try {
      return await work();
    } finally {
      faults.take = take;
    }
  }

  test("a 429 with Retry-After on the list is waited out and the connect succeeds", async () => {
    const { repo, page: p } = await page("rate-limited");
    const limited = fault({ method: "GET", pathPattern: HOOKS, status: 429, retryAfterSeconds: 1, times: 1 });
    const since = stack.bitbucket.requests.length;
    const started = Date.now();
    const res = await p.call("PUT", "/api/connection", connectBody(stack));
    expect(res.status).toBe(200);
    expect(limited.hits).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls(since, "GET").map((r) => r.status).slice(0, 2)).toEqual([429, 200]);
    expect(endpoints(repo)).toEqual(bothUrls());
  });

  test("503s on GET are retried and the connect succeeds", async () => {
    const { repo, page: p } = await page("unavailable");
    const outage = fault({ method: "GET", pathPattern: HOOKS, status: 503, times: 2 });
    const res = await p.call("PUT", "/api/connection", connectBody(stack));
    expect(res.status).toBe(200);
    expect(outage.hits).toBe(2);
    expect(endpoints(repo)).toEqual(bothUrls());
  });

  test("a 500 on POST before Bitbucket acted: re-listed and created once", async () => {
    const { repo, page: p } = await page("post-500-not-created");
    fault({ method: "POST", pathPattern: HOOKS, status: 500, times: 1 });
    const since = stack.bitbucket.requests.length;
    const res = await p.call("PUT", "/api/connection", connectBody(stack));
    expect(res.status).toBe(200);
    expect(calls(since, "POST").map((r) => r.status)).toEqual([500, 201, 201]);
    expect(endpoints(repo)).toEqual(bothUrls());
    const uuids = stack.bitbucket.hooks(repo).map((h) => h.uuid);
    expect((await p.call("POST", "/api/connection/reconnect")).status).toBe(200);
    expect(stack.bitbucket.hooks(repo).map((h) => h.uuid)).toEqual(uuids);
  });

  test("a 500 on POST after Bitbucket created the hook: the hook is found and adopted, not created twice", async () => {
    const { repo, page: p } = await page("post-500-created");
    const push = armUrls(stack).enterprisePush;
    let planted: string | undefined;
    // Bitbucket creates the hook, then its gateway answers 500: plant what the POST would have made, then fail it.
    const res = await intercepting(
      (method, path) => {
        if (planted || method !== "POST" || !HOOKS.test(path)) return undefined;
        planted = stack.bitbucket.addHook(repo, { url: push, events: ["pullrequest:created", "pullrequest:updated", "repo:push"], secret: ARM_TOKEN }).uuid;
        return { status: 500 };
      },
      () => p.call("PUT", "/api/connection", connectBody(stack)),
    );
    expect(res.status).toBe(200);
    expect(endpoints(repo)).toEqual(bothUrls());
    expect(stack.bitbucket.hooks(repo).find((h) => h.url === push)!.uuid).toBe(planted);
    expect((await p.call("POST", "/api/connection/reconnect")).body.hooks.map((h: { state: string }) => h.state)).toEqual(["connected", "connected"]);
    expect(endpoints(repo)).toEqual(bothUrls());
  });

  test("a rate limit longer than the app waits is answered 503 with when to come back", async () => {
    const { repo, page: p } = await page("rate-limited-long");
    fault({ method: "GET", pathPattern: HOOKS, status: 429, retryAfterSeconds: 120, times: 1 });
    const started = Date.now();
    const res = await p.call("PUT", "/api/connection", connectBody(stack));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("bitbucket-rate-limited");
    expect(res.body.error.message).toMatch(/try again after \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in about 2 minutes\)\.$/);
    expect(errorShapeProblems(res.body)).toEqual([]);
    expect(await rowOf(repo)).toBeUndefined();
  });

  test.each([
    [401, "bitbucket-unauthorized", /credentials.*\(HTTP 401\).*Reinstall/],
    [403, "bitbucket-forbidden", /refused permission \(HTTP 403\)/],
  ])("a %i from Bitbucket is answered with a plain sentence and recorded as lastError", async (status, code, message) => {
    const { repo, page: p } = await page(`refused-${status}`);
    expect((await p.call("PUT", "/api/connection", connectBody(stack))).status).toBe(200);
    const hooks = stack.bitbucket.hooks(repo);
    fault({ method: "PUT", status, times: 1 });
    const res = await p.call("PUT", "/api/connection", connectBody(stack, { triggers: { push: true, pullRequests: false, almSync: true } }));
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(message);
    expect(errorShapeProblems(res.body)).toEqual([]);
    expect(stack.bitbucket.hooks(repo)).toEqual(hooks);

    const view = await p.call("GET", "/api/connection");
    expect(view.status).toBe(200);
    expect(view.body.connection.lastError).toBe(res.body.error.message);
    expect((await rowOf(repo))!.last_error).toBe(res.body.error.message);

    const repaired = await p.call("POST", "/api/connection/reconnect");
    expect(repaired.status).toBe(200);
    expect(repaired.body.connection.lastError).toBeNull();
    expect(stack.bitbucket.hooks(repo).find((h) => h.url === armUrls(stack).enterprisePush)!.events).toEqual(["repo:push"]);
  });

  test("a fault on the first connect before anything was applied leaves no connection behind", async () => {
    const { repo, page: p } = await page("first-connect-refused");
    fault({ method: "POST", pathPattern: HOOKS, status: 403, times: 1 });
    const before = await stack.db.snapshot();
    const res = await p.call("PUT", "/api/connection", connectBody(stack));
    expect(res.status).toBe(502);
    expect(errorShapeProblems(res.body)).toEqual([]);
    expect(stack.bitbucket.hooks(repo)).toEqual([]);
    expect(await rowOf(repo)).toBeUndefined();
    expect(await stack.db.snapshot()).toEqual(before);
    expect((await p.call("GET", "/api/connection")).body).toEqual({ connection: null, hooks: [], existingArmHooks: [] });
  });

  test("a first connect that fails half-way keeps the connection, the hook it made, and the error", async () => {
    const { repo, page: p } = await page("first-connect-half-way");
    let posts = 0;
    const res = await intercepting(
      (method, path) => (method === "POST" && HOOKS.test(path) && ++posts === 2 ? { status: 403 } : undefined),
      () => p.call("PUT", "/api/connection", connectBody(stack)),
    );
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe("bitbucket-forbidden");
    const made = stack.bitbucket.hooks(repo);
    expect(made).toHaveLength(1);
    const view = await p.call("GET", "/api/connection");
    expect(view.body.connection.lastError).toBe(res.body.error.message);
    expect(view.body.hooks.map((h: { state: string; hookUuid?: string }) => [h.state, h.hookUuid])).toEqual([
      ["connected", made[0].uuid],
      ["missing", undefined],
    ]);
    const repaired = await p.call("POST", "/api/connection/reconnect");
    expect(repaired.body.connection.lastError).toBeNull();
    expect(endpoints(repo)).toEqual(bothUrls());
    expect(stack.bitbucket.hooks(repo).map((h) => h.uuid)).toContain(made[0].uuid);
  });

  test("while Bitbucket refuses to list hooks, the status shows the connection with a plain hooksError", async () => {
    const { page: p } = await page("hooks-unreadable");
    expect((await p.call("PUT", "/api/connection", connectBody(stack))).status).toBe(200);
    fault({ method: "GET", pathPattern: HOOKS, status: 403 });
    const view = await p.call("GET", "/api/connection");
    expect(view.status).toBe(200);
    expect(view.body.connection).toMatchObject({ tokenLast4: ARM_TOKEN.slice(-4) });
    expect(view.body.hooks).toEqual([]);
    expect(view.body.hooksError).toMatch(/^Bitbucket refused permission \(HTTP 403\)/);
  });

  test("with Bitbucket down entirely, the app answers with a clear message and keeps serving", async () => {
    const { page: p } = await page("bitbucket-down");
    expect((await p.call("PUT", "/api/connection", connectBody(stack))).status).toBe(200);
    await stack.bitbucket.close();
    const view = await p.call("GET", "/api/connection");
    expect(view.status).toBe(200);
    expect(view.body.connection).not.toBeNull();
    expect(view.body.hooksError).toBe("Bitbucket could not be reached (connection refused); try again in a few minutes.");
    const reconnect = await p.call("POST", "/api/connection/reconnect");
    expect(reconnect.status).toBe(502);
    expect(reconnect.body.error).toEqual({ code: "bitbucket-network-error", message: view.body.hooksError });
    expect((await fetch(`${stack.config.baseUrl}/healthz`)).status).toBe(200);
  }, 20_000);

  test("no API answer and no log line ever carried the token or a shared secret", () => {
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
