/** The Bitbucket simulator's REST contract: JWT checks, access, scopes, hooks API, pagination, repos and commits. */
import { request } from "node:http";
import { startBitbucketSimulator, type BitbucketSim, type InstalledApp } from "../../../simulators";
import { signAsApp, startFakeApp, type FakeApp } from "./fake-app";

let sim: BitbucketSim;
let fake: FakeApp;
let app: InstalledApp;

beforeAll(async () => {
  sim = await startBitbucketSimulator({ allowInternalHookUrls: true });
  fake = await startFakeApp();
});
afterAll(async () => {
  await sim.close();
  await fake.close();
});
beforeEach(async () => {
  sim.reset();
  sim.addWorkspace("acme");
  sim.addRepository("acme", "app");
  sim.addRepository("other", "hidden");
  sim.addRepository("other", "open-source", { is_private: false });
  const result = await sim.install(fake.url, "acme");
  expect(result.ok).toBe(true);
  app = sim.apps()[0];
});

async function call(method: string, path: string, body?: unknown, auth: string | null = signAsApp(app, method, path)) {
  const res = await fetch(sim.url + path, {
    method,
    headers: { ...(auth ? { Authorization: auth } : {}), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const HOOKS = "/2.0/repositories/acme/app/hooks";
const hook = (extra: object = {}) => ({ url: "https://arm.example.com/hook", description: "ARM", events: ["repo:push"], active: true, ...extra });

describe("JWT check", () => {
  it("accepts a well-formed app token and logs its claims", async () => {
    const res = await call("GET", HOOKS);
    expect(res.status).toBe(200);
    const entry = sim.requests.at(-1)!;
    expect(entry).toMatchObject({ method: "GET", path: HOOKS, status: 200, claims: { iss: app.key, sub: app.clientKey } });
  });

  it.each([
    ["no token", null],
    ["a token signed with another secret", () => signAsApp(app, "GET", HOOKS, {}, "not-the-secret")],
    ["an expired token", () => signAsApp(app, "GET", HOOKS, { exp: Math.floor(Date.now() / 1000) - 5 })],
    ["a token for another path (qsh)", () => signAsApp(app, "GET", "/2.0/repositories/acme/app")],
    ["a token for another method (qsh)", () => signAsApp(app, "POST", HOOKS)],
    ["a token whose qsh ignores the query", () => signAsApp(app, "GET", HOOKS)],
    ["iss other than the app key", () => signAsApp(app, "GET", HOOKS, { iss: app.clientKey })],
    ["sub of no installed app", () => signAsApp(app, "GET", HOOKS, { sub: "someone-else" })],
    ["no iat", () => signAsApp(app, "GET", HOOKS, { iat: undefined })],
    ["garbage", () => "JWT not.a.jwt"],
  ])("refuses %s with 401 and Bitbucket's error body", async (label, auth) => {
    const path = label.includes("query") ? `${HOOKS}?pagelen=5` : HOOKS;
    const res = await call("GET", path, undefined, typeof auth === "function" ? auth() : auth);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ type: "error", error: { message: expect.any(String) } });
  });

  it("refuses a token sent in the query string rather than the header", async () => {
    const token = signAsApp(app, "GET", HOOKS).slice(4);
    const res = await call("GET", `${HOOKS}?jwt=${token}`, undefined, null);
    expect(res.status).toBe(401);
  });

  it("refuses the token of an uninstalled app", async () => {
    await sim.uninstall(app.clientKey);
    expect((await call("GET", HOOKS)).status).toBe(401);
  });
});

describe("access outside the app's workspace", () => {
  it("hides private repositories of other workspaces (404)", async () => {
    expect((await call("GET", "/2.0/repositories/other/hidden")).status).toBe(404);
    expect((await call("GET", "/2.0/repositories/other/hidden/hooks")).status).toBe(404);
  });

  it("lets the app read a public repository elsewhere but not manage its hooks (403)", async () => {
    expect((await call("GET", "/2.0/repositories/other/open-source")).status).toBe(200);
    const res = await call("POST", "/2.0/repositories/other/open-source/hooks", hook());
    expect(res.status).toBe(403);
    const list = await call("GET", "/2.0/repositories/other");
    expect(list.body.values.map((r: { full_name: string }) => r.full_name)).toEqual(["other/open-source"]);
  });
});

describe("scopes", () => {
  async function installWith(scopes: string[]) {
    await sim.uninstall(app.clientKey);
    fake.descriptor = { ...fake.descriptor, scopes };
    await sim.install(fake.url, "acme");
    app = sim.apps()[0];
  }
  afterEach(() => {
    fake.descriptor = { ...fake.descriptor, scopes: ["account", "repository", "pullrequest", "webhook"] };
  });

  it("needs the scope of every subscribed event to create a hook, and names what is missing", async () => {
    await installWith(["repository", "webhook"]);
    const res = await call("POST", HOOKS, hook({ events: ["repo:push", "pullrequest:created"] }));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("pullrequest");
    expect(res.body.error.detail.required).toEqual(["pullrequest", "repository", "webhook"]);
    expect((await call("POST", HOOKS, hook())).status).toBe(201);
  });

  it("needs the webhook scope to list hooks", async () => {
    await installWith(["repository", "pullrequest"]);
    const res = await call("GET", HOOKS);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("webhook");
  });

  it("checks the resulting events on update", async () => {
    const created = await call("POST", HOOKS, hook());
    await installWith(["repository", "webhook"]);
    const path = `${HOOKS}/${encodeURIComponent(created.body.uuid)}`;
    expect((await call("PUT", path, { events: ["pullrequest:updated"] })).status).toBe(403);
    expect((await call("PUT", path, { description: "renamed" })).status).toBe(200);
  });
});

describe("hooks API", () => {
  it("creates a hook: 201, Location, Bitbucket's fields, secret never returned", async () => {
    const res = await call("POST", HOOKS, hook({ secret: "s3cret", events: ["repo:push", "pullrequest:created", "repo:push"] }));
    expect(res.status).toBe(201);
    const uuid = res.body.uuid as string;
    expect(uuid).toMatch(/^\{[0-9a-f-]{36}\}$/);
    expect(res.headers.get("location")).toBe(`${sim.url}${HOOKS}/${encodeURIComponent(uuid)}`);
    expect(res.body).toMatchObject({
      type: "webhook_subscription",
      url: "https://arm.example.com/hook",
      description: "ARM",
      subject_type: "repository",
      subject: { type: "repository", full_name: "acme/app" },
      active: true,
      events: ["pullrequest:created", "repo:push"],
      secret_set: true,
      skip_cert_verification: false,
      links: { self: { href: res.headers.get("location") } },
    });
    expect(res.body).not.toHaveProperty("secret");
    expect(JSON.stringify(res.body)).not.toContain("s3cret");
    expect(sim.hooks("acme/app")[0].secret).toBe("s3cret");
  });

  it("reads a hook by uid, encoded or with raw braces", async () => {
    const { body } = await call("POST", HOOKS, hook());
    expect((await call("GET", `${HOOKS}/${encodeURIComponent(body.uuid)}`)).body.uuid).toBe(body.uuid);
    // fetch would percent-encode the braces; node:http sends them as written.
    const rawPath = `${HOOKS}/${body.uuid}`;
    const raw = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
      const { hostname, port } = new URL(sim.url);
      const req = request({ hostname, port, path: rawPath, headers: { Authorization: signAsApp(app, "GET", rawPath) } }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c)).on("end", () => resolve({ status: res.statusCode, text }));
      });
      req.on("error", reject).end();
    });
    expect(raw.status).toBe(200);
    expect(JSON.parse(raw.text).uuid).toBe(body.uuid);
    expect((await call("GET", `${HOOKS}/${encodeURIComponent("{00000000-0000-0000-0000-000000000000}")}`)).status).toBe(404);
  });

  it("PUT without secret keeps it; a new value replaces it; null or an empty string removes it", async () => {
    const { body } = await call("POST", HOOKS, hook({ secret: "first" }));
    const path = `${HOOKS}/${encodeURIComponent(body.uuid)}`;
    const kept = await call("PUT", path, { url: "https://arm.example.com/other", events: ["repo:push"] });
    expect(kept.body).toMatchObject({ url: "https://arm.example.com/other", secret_set: true, description: "ARM" });
    expect(sim.hooks("acme/app")[0].secret).toBe("first");
    await call("PUT", path, { secret: "second" });
    expect(sim.hooks("acme/app")[0].secret).toBe("second");
    expect((await call("PUT", path, { secret: "" })).body.secret_set).toBe(false);
    await call("PUT", path, { secret: "third" });
    const removed = await call("PUT", path, { secret: null });
    expect(removed.body.secret_set).toBe(false);
    expect(sim.hooks("acme/app")[0].secret).toBeNull();
  });

  it("deletes a hook: 204, then 404", async () => {
    const { body } = await call("POST", HOOKS, hook());
    const path = `${HOOKS}/${encodeURIComponent(body.uuid)}`;
    expect((await call("DELETE", path)).status).toBe(204);
    expect((await call("DELETE", path)).status).toBe(404);
  });

  it("refuses to change a read-only hook", async () => {
    const planted = sim.addHook("acme/app", { url: "https://elsewhere.example.com", events: ["repo:push"], read_only: true });
    const path = `${HOOKS}/${encodeURIComponent(planted.uuid)}`;
    expect((await call("PUT", path, { active: false })).status).toBe(403);
    expect((await call("DELETE", path)).status).toBe(403);
  });

  it.each([
    ["no url", { url: undefined }, "url"],
    ["a relative url", { url: "/hook" }, "url"],
    ["an ftp url", { url: "ftp://arm.example.com/x" }, "url"],
    ["no events", { events: [] }, "events"],
    ["an unknown event", { events: ["repo:push", "repo:exploded"] }, "events"],
    ["a workspace-only event", { events: ["project:updated"] }, "events"],
    ["a secret over 128 characters", { secret: "x".repeat(129) }, "secret"],
    ["a non-boolean active", { active: "yes" }, "active"],
  ])("answers 400 naming the field for %s", async (_label, patch, field) => {
    const res = await call("POST", HOOKS, hook(patch));
    expect(res.status).toBe(400);
    expect(res.body.type).toBe("error");
    expect(res.body.error.fields[field]).toEqual([expect.any(String)]);
    expect(sim.hooks("acme/app")).toHaveLength(0);
  });

  it("accepts a secret of exactly 128 characters", async () => {
    expect((await call("POST", HOOKS, hook({ secret: "x".repeat(128) }))).status).toBe(201);
  });

  it("refuses internal hook URLs unless allowInternalHookUrls is on", async () => {
    const strict = await startBitbucketSimulator();
    try {
      strict.addRepository("acme", "app");
      const result = await strict.install(fake.url, "acme");
      const strictApp = strict.apps()[0];
      expect(result.ok).toBe(true);
      for (const url of ["http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x", "http://192.168.0.4/x", "http://intranet/x"]) {
        const res = await fetch(strict.url + HOOKS, {
          method: "POST",
          headers: { Authorization: signAsApp(strictApp, "POST", HOOKS), "Content-Type": "application/json" },
          body: JSON.stringify(hook({ url })),
        });
        expect([url, res.status]).toEqual([url, 400]);
      }
    } finally {
      await strict.close();
    }
    expect((await call("POST", HOOKS, hook({ url: "http://127.0.0.1:9/x" }))).status).toBe(201);
  });

  it("answers malformed JSON with Bitbucket's error body", async () => {
    const res = await fetch(sim.url + HOOKS, {
      method: "POST",
      headers: { Authorization: signAsApp(app, "POST", HOOKS), "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect((await res.json()).type).toBe("error");
  });

  it("lists the repository events publicly", async () => {
    const res = await call("GET", "/2.0/hook_events/repository?pagelen=100", undefined, null);
    expect(res.status).toBe(200);
    const events = res.body.values.map((e: { event: string }) => e.event);
    expect(events).toEqual(expect.arrayContaining(["repo:push", "pullrequest:created", "pullrequest:updated"]));
    expect(events).not.toContain("project:updated");
    expect((await call("GET", "/2.0/hook_events/nothing", undefined, null)).status).toBe(404);
  });
});

describe("pagination", () => {
  beforeEach(() => {
    for (let i = 0; i < 23; i++) sim.addHook("acme/app", { url: `https://arm.example.com/${i}`, events: ["repo:push"] });
  });

  async function follow(first: string): Promise<{ pages: any[] }> {
    const pages = [];
    let path: string | undefined = first;
    while (path) {
      const res = await call("GET", path);
      expect(res.status).toBe(200);
      pages.push(res.body);
      path = res.body.next ? res.body.next.slice(sim.url.length) : undefined;
    }
    return { pages };
  }

  it("pages by 10 by default with absolute next links", async () => {
    const { pages } = await follow(HOOKS);
    expect(pages.map((p) => p.values.length)).toEqual([10, 10, 3]);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(pages[0]).toMatchObject({ pagelen: 10, size: 23, next: `${sim.url}${HOOKS}?page=2` });
    expect(pages[2].next).toBeUndefined();
    const urls = pages.flatMap((p) => p.values.map((h: { url: string }) => h.url));
    expect(new Set(urls).size).toBe(23);
  });

  it("keeps the other query parameters in next", async () => {
    const { pages } = await follow(`${HOOKS}?pagelen=20&fields=values.url`);
    expect(pages.map((p) => p.values.length)).toEqual([20, 3]);
    const next = new URL(pages[0].next);
    expect(Object.fromEntries(next.searchParams)).toEqual({ pagelen: "20", fields: "values.url", page: "2" });
  });

  it("refuses pagelen above 100 and pages past the end", async () => {
    expect((await call("GET", `${HOOKS}?pagelen=101`)).status).toBe(400);
    expect((await call("GET", `${HOOKS}?pagelen=100`)).body.values).toHaveLength(23);
    expect((await call("GET", `${HOOKS}?page=4`)).status).toBe(404);
  });
});

describe("repositories and commits", () => {
  it("lists the workspace's repositories and reads one by slug or uuid", async () => {
    const list = await call("GET", "/2.0/repositories/acme");
    expect(list.body.values).toHaveLength(1);
    const repo = list.body.values[0];
    expect(repo).toMatchObject({ type: "repository", full_name: "acme/app", slug: "app", is_private: true, mainbranch: { name: "main" } });
    const ws = sim.repositories("acme")[0];
    const byUuid = await call("GET", `/2.0/repositories/${encodeURIComponent(repo.workspace.uuid)}/${encodeURIComponent(ws.uuid)}`);
    expect(byUuid.body.uuid).toBe(ws.uuid);
    expect((await call("GET", "/2.0/repositories/nope")).status).toBe(404);
  });

  it("serves commits newest first, per branch, ranges and single commits", async () => {
    const main = sim.addCommits("acme/app", [{ message: "one" }, { message: "two" }, { message: "three" }]);
    const feature = sim.addCommits("acme/app", [{ message: "[PROJ-1] feature work", author: "Dev <dev@example.com>" }], "feature/x");
    const all = await call("GET", "/2.0/repositories/acme/app/commits");
    expect(all.body.values.map((c: { message: string }) => c.message)).toEqual(["[PROJ-1] feature work", "three", "two", "one"]);
    const onMain = await call("GET", "/2.0/repositories/acme/app/commits/main?pagelen=2");
    expect(onMain.body.values.map((c: { message: string }) => c.message)).toEqual(["three", "two"]);
    expect(onMain.body.next).toContain("page=2");
    const branch = await call("GET", "/2.0/repositories/acme/app/commits/feature/x");
    expect(branch.body.values).toHaveLength(4);
    const range = await call("GET", `/2.0/repositories/acme/app/commits?include=${feature[0].hash}&exclude=main`);
    expect(range.body.values.map((c: { hash: string }) => c.hash)).toEqual([feature[0].hash]);
    const one = await call("GET", `/2.0/repositories/acme/app/commit/${main[1].hash}`);
    expect(one.body).toMatchObject({ hash: main[1].hash, message: "two", parents: [{ hash: main[0].hash }] });
    expect(one.body.author.user.uuid).toBe(sim.apps()[0].installedBy);
    expect((await call("GET", "/2.0/repositories/acme/app/commit/deadbeefdead")).status).toBe(404);
    expect((await call("GET", "/2.0/repositories/acme/app/commits/no-such-branch")).status).toBe(404);
  });
});

describe("faults, rate-limit headers and the request log", () => {
  it("answers an injected 429 with Retry-After for the given number of times, then recovers", async () => {
    sim.faults.add({ method: "GET", pathPattern: /\/hooks$/, status: 429, retryAfterSeconds: 7, times: 2 });
    const first = await call("GET", HOOKS);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    expect(first.body.type).toBe("error");
    expect((await call("GET", HOOKS)).status).toBe(429);
    expect((await call("GET", HOOKS)).status).toBe(200);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(sim.requests[0].faultId).toBeDefined();
  });

  it("only faults matching method and path", async () => {
    sim.faults.add({ method: "POST", pathPattern: "/hooks", status: 503 });
    expect((await call("GET", HOOKS)).status).toBe(200);
    expect((await call("POST", HOOKS, hook())).status).toBe(503);
  });

  it("drops the connection when asked", async () => {
    sim.faults.add({ pathPattern: "/hooks", dropConnection: true, times: 1 });
    await expect(call("GET", HOOKS)).rejects.toThrow();
    expect((await call("GET", HOOKS)).status).toBe(200);
    expect(sim.requests[0].status).toBe(0);
  });

  it("delays then answers normally when only delayMs is given", async () => {
    sim.faults.add({ pathPattern: "/hooks", delayMs: 150, times: 1 });
    const started = Date.now();
    expect((await call("GET", HOOKS)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("sends X-RateLimit headers that count down", async () => {
    const a = await call("GET", HOOKS);
    const b = await call("GET", HOOKS);
    expect(a.headers.get("x-ratelimit-limit")).toBe("1000");
    expect(Number(a.headers.get("x-ratelimit-remaining")) - Number(b.headers.get("x-ratelimit-remaining"))).toBe(1);
  });

  it("enforces the limit with 429 when configured to", async () => {
    const limited = await startBitbucketSimulator({ rateLimit: { limit: 2, enforce: true } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.url}/2.0/hook_events/repository`)).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe("control API over HTTP", () => {
  it("shows hooks with secret_set but never the secret", async () => {
    sim.addHook("acme/app", { url: "https://arm.example.com/x", events: ["repo:push"], secret: "hidden-value" });
    const res = await fetch(`${sim.url}/_sim/hooks?repo=acme/app`);
    const text = await res.text();
    expect(JSON.parse(text)[0]).toMatchObject({ url: "https://arm.example.com/x", secret_set: true });
    expect(text).not.toContain("hidden-value");
    const state = await (await fetch(`${sim.url}/_sim/state`)).text();
    expect(state).not.toContain(app.sharedSecret);
  });

  it("adds repositories, plants hooks and adds faults", async () => {
    const post = (path: string, body: object) =>
      fetch(`${sim.url}/_sim${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect((await post("/repositories", { workspace: "acme", slug: "second" })).status).toBe(201);
    expect((await post("/hooks", { repo: "acme/second", hook: { url: "https://x.example.com", events: ["repo:push"] } })).status).toBe(201);
    expect(sim.hooks("acme/second")).toHaveLength(1);
    expect((await post("/faults", { pathRegex: "second/hooks$", status: 500, times: 1 })).status).toBe(201);
    expect((await call("GET", "/2.0/repositories/acme/second/hooks")).status).toBe(500);
    expect((await post("/hooks", { repo: "acme/missing", hook: {} })).status).toBe(400);
  });
});
