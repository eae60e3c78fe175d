/**
 * Before the first connect the settings API lists the ARM webhooks already on the repository (current, retired,
 * broken) without echoing their URLs; unknown API paths and missing static files answer a plain 404.
 */
import { armUrls, connectBody, errorShapeProblems, leakedSecrets, startStackOn, testDatabases, type Stack } from "../../support/stack";

describe.each(testDatabases())("ARM hooks already on a repository, before connecting, on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackOn(kind);
  });
  afterAll(() => stack?.close());

  const QUERY_SECRET = "query-string-secret-7f3a";

  /** A repository as older setups left it: a retired hook, a broken one, a current one for another org, one with a token in its query, and Jenkins. */
  function seed(slug: string) {
    const repo = stack.addRepo(slug);
    stack.secrets.add(QUERY_SECRET);
    const add = (url: string) => stack.bitbucket.addHook(repo, { url, events: ["repo:push"] });
    const hooks = {
      legacy: add(`${stack.arm.url}/autorabitrest/webhook/triggerSCMPushrequest`),
      malformed: add(`${stack.arm.url}/api/webhook/v2//enterprise/sync-alm-commits`),
      otherOrg: add(armUrls(stack, "other.org").enterprisePush),
      withQuery: add(`${armUrls(stack).standardPush}?token=${QUERY_SECRET}`),
      jenkins: add("https://ci.example.com/bitbucket-hook/"),
    };
    return { repo, hooks };
  }

  test("lists the retired, broken and current ARM hooks with their kinds, never their URLs, and no foreign hook", async () => {
    const { repo, hooks } = seed("legacy-scan");
    const page = await stack.settings(repo);
    const res = await page.call("GET", "/api/connection");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ connection: null, hooks: [] });
    expect(res.body.hooksError).toBeUndefined();
    expect(res.body.existingArmHooks).toEqual([
      { uuid: hooks.legacy.uuid, endpoint: "push", kind: "legacy", detail: expect.stringMatching(/retired address .*25\.3\.9/) },
      { uuid: hooks.malformed.uuid, endpoint: "alm-sync", kind: "malformed", detail: expect.stringMatching(/organization name is missing.*repairs it in place/) },
      { uuid: hooks.otherOrg.uuid, endpoint: "push", kind: "current", detail: expect.stringContaining("for org other.org in the current form") },
      { uuid: hooks.withQuery.uuid, endpoint: "push", kind: "malformed", detail: expect.stringMatching(/query string/) },
    ]);
    const host = new URL(stack.arm.url).host;
    for (const h of res.body.existingArmHooks) expect(h.detail).toContain(host);
    for (const h of stack.bitbucket.hooks(repo)) expect(res.text).not.toContain(h.url);
    expect(leakedSecrets(stack)).toEqual([]);
  });

  test("connected: the list is empty (the hook statuses cover them); disconnected: what the app left behind is listed again", async () => {
    const { repo, hooks } = seed("legacy-connect");
    const page = await stack.settings(repo);
    const connected = await page.call("PUT", "/api/connection", connectBody(stack));
    expect(connected.status).toBe(200);
    expect(connected.body.existingArmHooks).toEqual([]);
    expect(connected.body.hooks.map((h: { state: string }) => h.state)).toEqual(["connected", "connected"]);
    expect((await page.call("GET", "/api/connection")).body.existingArmHooks).toEqual([]);

    const gone = await page.call("DELETE", "/api/connection");
    expect(gone.status).toBe(200);
    // The migrated hooks are deleted; another org's hook was never the app's and stays.
    expect(gone.body.existingArmHooks.map((h: { uuid: string; kind: string }) => [h.uuid, h.kind])).toEqual([[hooks.otherOrg.uuid, "current"]]);
    expect((await page.call("GET", "/api/connection")).body.existingArmHooks).toEqual(gone.body.existingArmHooks);
  });

  test("a repository without ARM hooks lists none", async () => {
    const repo = stack.addRepo("no-arm-hooks");
    stack.bitbucket.addHook(repo, { url: "https://ci.example.com/bitbucket-hook/", events: ["repo:push"] });
    const res = await (await stack.settings(repo)).call("GET", "/api/connection");
    expect(res.body).toEqual({ connection: null, hooks: [], existingArmHooks: [] });
  });

  test("Bitbucket refusing the hook list does not break the page: the answer carries hooksError", async () => {
    const { repo } = seed("legacy-refused");
    const page = await stack.settings(repo);
    const core = stack.repoUuid(repo).replace(/[{}]/g, "");
    stack.bitbucket.faults.add({ method: "GET", pathPattern: new RegExp(`${core}.*/hooks(\\?|$)`), status: 403, times: 1 });
    const res = await page.call("GET", "/api/connection");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ connection: null, hooks: [], existingArmHooks: [], hooksError: expect.stringMatching(/HTTP 403/) });
    expect((await page.call("GET", "/api/connection")).body.existingArmHooks).toHaveLength(4);
  });
});

describe("paths that do not exist", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackOn("sqlite");
  });
  afterAll(() => stack?.close());

  test.each([
    ["GET", "/api/nope"],
    ["POST", "/api/connection/nope"],
    ["PATCH", "/api/connection"],
    ["GET", "/api/smart-commits/nope"],
    ["GET", "/api"],
  ])("%s %s answers the API's JSON 404", async (method, path) => {
    const res = await (await stack.settings()).call(method, path);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { message: expect.any(String), code: "not-found" } });
    expect(errorShapeProblems(res.body)).toEqual([]);
  });

  test("an unknown API path without credentials is refused as unauthenticated, revealing nothing about the routes", async () => {
    const res = await fetch(`${stack.config.baseUrl}/api/nope`);
    expect(res.status).toBe(401);
    expect(errorShapeProblems(await res.json())).toEqual([]);
  });

  test.each(["/static/nope.js", "/static/", "/static/%E0%A4%A"])("GET %s answers a plain 404 without a stack trace", async (path) => {
    const res = await fetch(`${stack.config.baseUrl}${path}`);
    const text = await res.text();
    expect([res.status, res.headers.get("content-type")]).toEqual([expect.any(Number), "text/plain; charset=utf-8"]);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(text).not.toMatch(/ at |Error|node_modules|<html|\/work\//i);
  });

  test("a missing static file is exactly 404 Not found", async () => {
    const res = await fetch(`${stack.config.baseUrl}/static/missing-file.js`);
    expect([res.status, await res.text()]).toEqual([404, "Not found"]);
  });

  test("the bundle itself is still served", async () => {
    const res = await fetch(`${stack.config.baseUrl}/static/settings.js`);
    expect(res.status).toBe(200);
  });
});

