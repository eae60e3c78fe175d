import { Agent } from "undici";
import { BitbucketClient, type BitbucketClientOptions } from "../../../src/bitbucket/client";
import { BitbucketApiError } from "../../../src/bitbucket/errors";
import { desiredHooks } from "../../../src/hooks/desired-hooks";
import { reconcile } from "../../../src/hooks/reconcile";
import { FakeBitbucket } from "./fake-bitbucket";

const SECRET = "tenant-shared-secret";
const TOKEN = "arm-webhook-token-42";
const policy = { allowedHosts: ["*.autorabit.com"], allowHttpLoopback: false };
const desired = desiredHooks(
  { instance: "https://login.autorabit.com", org: "autorabit.com", edition: "standard", triggers: { push: true, pullRequests: true, almSync: false } },
  TOKEN,
  "fp-1",
);
const HOOKS = "/2.0/repositories/ws/repo/hooks";

let bb: FakeBitbucket;
let agent: Agent;
let sleeps: number[];
let logs: string[];

function client(over: Partial<BitbucketClientOptions> = {}): BitbucketClient {
  return new BitbucketClient({
    creds: { appKey: "arm-connector", clientKey: "client-1", sharedSecret: SECRET, baseApiUrl: bb.origin },
    dispatcher: agent,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => Date.parse("2026-03-01T12:00:00Z"),
    logger: {
      debug: (obj, msg) => logs.push(JSON.stringify({ obj, msg })),
      warn: (obj, msg) => logs.push(JSON.stringify({ obj, msg })),
    },
    ...over,
  });
}

const hooksApi = (over: Partial<BitbucketClientOptions> = {}) => client(over).repoHooks("ws", "repo");

beforeEach(async () => {
  bb = await new FakeBitbucket(SECRET).start();
  agent = new Agent({ keepAliveTimeout: 1000 });
  sleeps = [];
  logs = [];
});

afterEach(async () => {
  await agent.destroy();
  await bb.stop();
});

describe("BitbucketClient against a loopback server", () => {
  it("signs every request with a JWT the server verifies, qsh included", async () => {
    const api = hooksApi();
    const created = await api.create({ url: desired[0].url, description: "d", events: ["repo:push"], active: true, secret: TOKEN });
    await api.update(created.uuid, { url: desired[0].url, description: "e", events: ["repo:push"], active: true });
    await api.list();
    await api.remove(created.uuid);
    expect(bb.seen.map((s) => [s.method, s.url, s.jwtProblem])).toEqual([
      ["POST", HOOKS, undefined],
      ["PUT", `${HOOKS}/%7Bhook-1%7D`, undefined],
      ["GET", `${HOOKS}?pagelen=100`, undefined],
      ["DELETE", `${HOOKS}/%7Bhook-1%7D`, undefined],
    ]);
    const iat = Date.parse("2026-03-01T12:00:00Z") / 1000;
    expect(bb.seen[0].claims).toMatchObject({ iss: "arm-connector", sub: "client-1", iat, exp: iat + 180 });
  });

  it("maps hooks, keeps secrets out of answers, and sends the secret only when asked", async () => {
    const api = hooksApi();
    const h = await api.create({ url: desired[0].url, description: "d", events: ["repo:push"], active: true, secret: TOKEN });
    expect(h).toEqual({ uuid: "{hook-1}", url: desired[0].url, description: "d", events: ["repo:push"], active: true, secret_set: true });
    await api.update(h.uuid, { url: desired[0].url, description: "d", events: ["repo:push"], active: true });
    expect(bb.seen[1].body).not.toHaveProperty("secret");
    expect(bb.hooks.get("{hook-1}")?.secret).toBe(TOKEN);
  });

  it("encodes {uuid} workspaces and repositories as %7B…%7D", async () => {
    await client().repoHooks("{ws-uuid}", "{repo-uuid}").list();
    expect(bb.seen[0].url).toBe("/2.0/repositories/%7Bws-uuid%7D/%7Brepo-uuid%7D/hooks?pagelen=100");
    expect(bb.seen[0].jwtProblem).toBeUndefined();
  });

  it("follows next links exactly as given, and the qsh matches each page", async () => {
    bb.pages.set(HOOKS, {
      body: { values: [{ uuid: "{a}", url: "https://x/1" }], next: `${bb.origin}${HOOKS}?pagelen=100&cursor=Zm9v%3D&page=2` },
    });
    bb.pages.set(`${HOOKS}?pagelen=100&cursor=Zm9v%3D&page=2`, {
      body: { values: [{ uuid: "{b}", url: "https://x/2" }], next: `${HOOKS}?pagelen=100&cursor=YmFy&page=3` },
    });
    bb.pages.set(`${HOOKS}?pagelen=100&cursor=YmFy&page=3`, { body: { values: [{ uuid: "{c}", url: "https://x/3", active: true }] } });
    const hooks = await hooksApi().list();
    expect(hooks.map((h) => h.uuid)).toEqual(["{a}", "{b}", "{c}"]);
    expect(hooks[0]).toEqual({ uuid: "{a}", url: "https://x/1", description: "", events: [], active: false, secret_set: false });
    expect(bb.seen.map((s) => s.url)).toEqual([
      `${HOOKS}?pagelen=100`,
      `${HOOKS}?pagelen=100&cursor=Zm9v%3D&page=2`,
      `${HOOKS}?pagelen=100&cursor=YmFy&page=3`,
    ]);
    expect(bb.seen.every((s) => s.jwtProblem === undefined)).toBe(true);
  });

  it("refuses a next link on another origin, so the JWT never leaves Bitbucket", async () => {
    const elsewhere = await new FakeBitbucket(SECRET).start();
    try {
      bb.pages.set(HOOKS, { body: { values: [], next: `${elsewhere.origin}${HOOKS}?page=2` } });
      const err = await hooksApi().list().catch((e) => e);
      expect(err).toBeInstanceOf(BitbucketApiError);
      expect(err).toMatchObject({ code: "cross-origin-next", retryable: false });
      expect(err.message).toContain(elsewhere.origin);
      expect(elsewhere.seen).toEqual([]);
    } finally {
      await elsewhere.stop();
    }
  });

  it("stops on a next link that loops", async () => {
    bb.pages.set(HOOKS, { body: { values: [], next: `${bb.origin}${HOOKS}?pagelen=100` } });
    await expect(hooksApi().list()).rejects.toMatchObject({ code: "unexpected-response" });
    expect(bb.seen).toHaveLength(1);
  });

  it("honours 429 Retry-After with the injected sleep", async () => {
    bb.script({ match: (s) => s.method === "POST", respond: { status: 429, headers: { "retry-after": "3" } } });
    const h = await hooksApi().create({ url: desired[0].url, description: "d", events: ["repo:push"], active: true });
    expect(h.uuid).toBe("{hook-1}");
    expect(sleeps).toEqual([3000]);
    expect(bb.seen.map((s) => s.method)).toEqual(["POST", "POST"]);
  });

  it("does not sleep through a long rate limit: the error says when to retry", async () => {
    bb.script({ match: () => true, respond: { status: 429, headers: { "retry-after": "600" } } });
    const err = await hooksApi().list().catch((e) => e);
    expect(err).toMatchObject({ status: 429, code: "rate-limited", retryable: true, retryAfterMs: 600_000 });
    expect(err.message).toMatch(/try again after 2026-03-01 12:10 UTC/);
    expect(sleeps).toEqual([]);
  });

  it("retries 503 for GET with back-off, then succeeds", async () => {
    bb.script({ match: () => true, respond: { status: 503 } });
    bb.script({ match: () => true, respond: { status: 503, body: "<html>down</html>" } });
    expect(await hooksApi().list()).toEqual([]);
    expect(sleeps).toEqual([375, 750]);
  });

  it("gives up after maxAttempts", async () => {
    for (let i = 0; i < 3; i++) bb.script({ match: () => true, respond: { status: 502 } });
    const err = await hooksApi({ maxAttempts: 3 }).list().catch((e) => e);
    expect(err).toMatchObject({ status: 502, code: "server-error", retryable: true, ambiguous: false });
    expect(bb.seen).toHaveLength(3);
  });

  it("does not retry a POST answered 503: the error is ambiguous", async () => {
    bb.script({ match: (s) => s.method === "POST", respond: { status: 503 }, after: true });
    const err = await hooksApi().create({ url: desired[0].url, description: "d", events: ["repo:push"], active: true }).catch((e) => e);
    expect(err).toMatchObject({ status: 503, ambiguous: true });
    expect(bb.seen).toHaveLength(1);
  });

  it("a POST that times out is ambiguous; reconcile re-lists and adopts the hook instead of creating a second", async () => {
    bb.script({ match: (s) => s.method === "POST", respond: "hang", after: true });
    const api = hooksApi({ timeoutMs: 300 });
    const result = await reconcile(api, { desired, managed: [], policy });
    expect(bb.seen.map((s) => s.method)).toEqual(["GET", "POST", "GET", "PUT"]);
    expect([...bb.hooks.values()]).toEqual([
      expect.objectContaining({ uuid: "{hook-1}", url: desired[0].url, secret: TOKEN, events: desired[0].events }),
    ]);
    expect(result.managed).toEqual([{ endpoint: "push", hookUuid: "{hook-1}", url: desired[0].url, secretFingerprint: "fp-1" }]);
    const again = await reconcile(api, { desired, managed: result.managed, policy });
    expect(again.plan.steps.map((s) => s.op)).toEqual(["keep"]);
  });

  it("a POST that times out is reported as an ambiguous timeout", async () => {
    bb.script({ match: () => true, respond: "hang" });
    const err = await hooksApi({ timeoutMs: 200 })
      .create({ url: desired[0].url, description: "d", events: ["repo:push"], active: true })
      .catch((e) => e);
    expect(err).toMatchObject({ code: "timeout", ambiguous: true, retryable: true });
    expect(err.message).toMatch(/did not answer in time, so it is unknown whether the change was made/);
  });

  it("a GET that times out is retried", async () => {
    bb.script({ match: () => true, respond: "hang" });
    expect(await hooksApi({ timeoutMs: 300 }).list()).toEqual([]);
    expect(sleeps).toHaveLength(1);
  });

  it("a refused connection is retried, then reported", async () => {
    const origin = bb.origin;
    await bb.stop();
    const err = await new BitbucketClient({
      creds: { appKey: "a", clientKey: "c", sharedSecret: SECRET, baseApiUrl: origin },
      dispatcher: agent,
      maxAttempts: 2,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
    })
      .repoHooks("ws", "repo")
      .create({ url: "https://x", description: "", events: [], active: true })
      .catch((e) => e);
    expect(err).toMatchObject({ code: "network-error", ambiguous: false });
    expect(err.message).toMatch(/could not be reached/);
    expect(sleeps).toHaveLength(1);
  });

  it.each([
    [401, { type: "error", error: { message: "Invalid JWT" } }, /refused the app's credentials \(HTTP 401\)\. Reinstall/],
    [
      403,
      { type: "error", error: { message: "Your credentials lack one or more required privilege scopes.", detail: { granted: [], required: ["webhook"] } } },
      /HTTP 403\): "Your credentials lack.*missing the permission scope "webhook"/,
    ],
    [404, { type: "error", error: { message: "Repository ws/repo not found" } }, /^The repository was not found, or the app has no access to it \(HTTP 404\)\.$/],
    [400, { type: "error", error: { message: "Bad request", fields: { url: ["Invalid URL"] } } }, /HTTP 400\): "Bad request" \(url: Invalid URL\)/],
  ])("HTTP %i becomes a plain, non-retried error", async (status, body, message) => {
    bb.script({ match: () => true, respond: { status, body } });
    const err = await hooksApi().list().catch((e) => e);
    expect(err).toBeInstanceOf(BitbucketApiError);
    expect(err).toMatchObject({ status, retryable: false });
    expect(err.message).toMatch(message);
    expect(bb.seen).toHaveLength(1);
  });

  it("DELETE of a hook already gone counts as removed", async () => {
    await expect(hooksApi().remove("{nope}")).resolves.toBeUndefined();
  });

  it("an unreadable success body is an error, not a crash", async () => {
    bb.script({ match: () => true, respond: { status: 200, body: "{not json" } });
    await expect(client().getRepository("ws", "repo")).rejects.toMatchObject({ code: "unexpected-response" });
  });

  it("reads a repository and the newest commits up to a limit", async () => {
    bb.pages.set("/2.0/repositories/ws/repo", { body: { uuid: "{r}", full_name: "ws/repo", name: "repo" } });
    const commits = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ hash: `h${from + i}`, message: "m", date: "d" }));
    bb.pages.set("/2.0/repositories/ws/repo/commits", { body: { values: commits(0, 3), next: `${bb.origin}/2.0/repositories/ws/repo/commits?page=2` } });
    bb.pages.set("/2.0/repositories/ws/repo/commits?page=2", { body: { values: commits(3, 3), next: `${bb.origin}/2.0/repositories/ws/repo/commits?page=3` } });
    expect(await client().getRepository("ws", "repo")).toMatchObject({ uuid: "{r}", full_name: "ws/repo" });
    const list = await client().listCommits("ws", "repo", { limit: 5 });
    expect(list.map((c) => c.hash)).toEqual(["h0", "h1", "h2", "h3", "h4"]);
    expect(bb.seen.map((s) => s.url)).toEqual([
      "/2.0/repositories/ws/repo",
      "/2.0/repositories/ws/repo/commits?pagelen=5",
      "/2.0/repositories/ws/repo/commits?page=2",
    ]);
  });

  it("never logs the Authorization header, the JWT or the hook secret", async () => {
    bb.script({ match: () => true, respond: { status: 503 } });
    await hooksApi().create({ url: desired[0].url, description: "d", events: ["repo:push"], active: true, secret: TOKEN }).catch(() => undefined);
    await hooksApi().list();
    expect(logs.length).toBeGreaterThan(0);
    const all = logs.join("\n");
    expect(all).not.toMatch(/JWT|authorization/i);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(SECRET);
  });
});
