/** Event delivery by the Bitbucket simulator: payload shapes, hook headers and signatures, retries, Connect webhooks. */
import { createHmac } from "node:crypto";
import { createQueryStringHash, decodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import { startArmSimulator, startBitbucketSimulator, type ArmSim, type BitbucketSim } from "../../../simulators";
import { json, startFakeApp, type FakeApp } from "./fake-app";

let sim: BitbucketSim;
let fake: FakeApp;
let descriptor: FakeApp["descriptor"];

beforeAll(async () => {
  sim = await startBitbucketSimulator({ allowInternalHookUrls: true, deliveryTimeoutMs: 300 });
  fake = await startFakeApp();
  descriptor = fake.descriptor;
});
afterAll(async () => {
  await sim.close();
  await fake.close();
});
beforeEach(() => {
  sim.reset();
  fake.received.length = 0;
  fake.answers.length = 0;
  fake.descriptor = descriptor;
  sim.addRepository("acme", "app");
});

const hookTo = (path: string, extra: object = {}) => sim.addHook("acme/app", { url: fake.url + path, events: ["repo:push"], ...extra });
const commits = (n: number) => Array.from({ length: n }, (_, i) => ({ message: `[PROJ-${i}] change ${i}` }));

describe("repo:push to repository hooks", () => {
  it("sends Bitbucket's headers and signs the exact body with the hook secret", async () => {
    const hook = hookTo("/hook/arm", { secret: "Gkvl$k$wyNpQAF42" });
    const outcome = await sim.push("acme/app", { branch: "main", commits: commits(1) });
    expect(outcome.deliveries).toHaveLength(1);
    const [delivery] = outcome.deliveries;
    expect(delivery).toMatchObject({ target: "hook", event: "repo:push", hookUuid: hook.uuid, delivered: true });
    const got = fake.received[0];
    expect(got.path).toBe("/hook/arm");
    expect(got.body.equals(delivery.body)).toBe(true);
    expect(got.headers).toMatchObject({
      "x-event-key": "repo:push",
      "x-hook-uuid": hook.uuid.slice(1, -1),
      "x-attempt-number": "1",
      "content-type": "application/json",
      "user-agent": "Bitbucket-Webhooks/2.0",
      "x-hub-signature": `sha256=${createHmac("sha256", "Gkvl$k$wyNpQAF42").update(got.body).digest("hex")}`,
    });
    expect(got.headers["x-request-uuid"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.headers.authorization).toBeUndefined();
  });

  it("sends no signature when the hook has no secret, and nothing to inactive or unsubscribed hooks", async () => {
    hookTo("/plain");
    hookTo("/inactive", { active: false });
    hookTo("/pr-only", { events: ["pullrequest:created"] });
    const outcome = await sim.push("acme/app", { branch: "main", commits: commits(1) });
    expect(fake.received.map((r) => r.path)).toEqual(["/plain"]);
    expect(fake.received[0].headers["x-hub-signature"]).toBeUndefined();
    expect(outcome.deliveries).toHaveLength(1);
  });

  it("builds push.changes with old/new refs, newest-first commits and links", async () => {
    hookTo("/h");
    const first = await sim.push("acme/app", { branch: "main", commits: commits(2) });
    const second = await sim.push("acme/app", { branch: "main", commits: commits(1) });
    const one = json(fake.received[0]).push.changes[0];
    expect(one).toMatchObject({ old: null, created: true, closed: false, forced: false, truncated: false });
    expect(one.new).toMatchObject({ type: "branch", name: "main", target: { type: "commit", message: "[PROJ-1] change 1" } });
    expect(one.commits.map((c: { message: string }) => c.message)).toEqual(["[PROJ-1] change 1", "[PROJ-0] change 0"]);
    const two = json(fake.received[1]);
    const change = two.push.changes[0];
    expect(change.created).toBe(false);
    expect(change.old.target.hash).toBe(one.new.target.hash);
    expect(change.links.commits.href).toBe(`${sim.url}/2.0/repositories/acme/app/commits?include=${change.new.target.hash}&exclude=${one.new.target.hash}`);
    expect(two.repository).toMatchObject({ type: "repository", full_name: "acme/app" });
    expect(two.actor).toMatchObject({ type: "user", nickname: "sim-admin" });
    expect(first.payload).toEqual(json(fake.received[0]));
    expect(second.event).toBe("repo:push");
    expect(sim.deliveries).toHaveLength(2);
  });

  it("lists at most 5 commits and flags truncation", async () => {
    hookTo("/h");
    await sim.push("acme/app", { branch: "main", commits: commits(7) });
    const change = json(fake.received[0]).push.changes[0];
    expect(change.truncated).toBe(true);
    expect(change.commits).toHaveLength(5);
    expect(change.commits[0].message).toBe("[PROJ-6] change 6");
  });

  it("describes a branch deletion with new = null", async () => {
    hookTo("/h");
    await sim.push("acme/app", { branch: "feature/x", commits: commits(1) });
    await sim.push("acme/app", { branch: "feature/x", commits: [], deleted: true });
    const change = json(fake.received[1]).push.changes[0];
    expect(change).toMatchObject({ new: null, closed: true, created: false, commits: [] });
    expect(change.old.name).toBe("feature/x");
  });
});

describe("retries", () => {
  it("retries twice more, immediately, on 5xx, with the same request uuid", async () => {
    hookTo("/flaky");
    fake.answers.push(500, 503);
    const { deliveries } = await sim.push("acme/app", { branch: "main", commits: commits(1) });
    expect(deliveries[0].attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(deliveries[0].delivered).toBe(true);
    expect(fake.received.map((r) => r.headers["x-attempt-number"])).toEqual(["1", "2", "3"]);
    expect(new Set(fake.received.map((r) => r.headers["x-request-uuid"])).size).toBe(1);
  });

  it("gives up after three 5xx answers", async () => {
    hookTo("/down");
    fake.answers.push(500, 500, 500, 500);
    const { deliveries } = await sim.push("acme/app", { branch: "main", commits: commits(1) });
    expect(deliveries[0].attempts).toHaveLength(3);
    expect(deliveries[0].delivered).toBe(false);
  });

  it("does not retry a 4xx, a refused connection or a timeout", async () => {
    const arm: ArmSim = await startArmSimulator();
    try {
      arm.faults.add({ hang: true });
      hookTo("/gone");
      sim.addHook("acme/app", { url: `${arm.url}/api/webhook/v2/org/trigger-scm-push-request`, events: ["repo:push"] });
      sim.addHook("acme/app", { url: "http://127.0.0.1:1/nothing-listens", events: ["repo:push"] });
      fake.answers.push(410);
      const { deliveries } = await sim.push("acme/app", { branch: "main", commits: commits(1) });
      const attempts = deliveries.map((d) => d.attempts);
      expect(attempts[0]).toEqual([expect.objectContaining({ status: 410 })]);
      expect(attempts[1]).toEqual([expect.objectContaining({ status: null, error: "timed out after 300 ms" })]);
      expect(attempts[2]).toEqual([expect.objectContaining({ status: null, error: "ECONNREFUSED" })]);
    } finally {
      await arm.close();
    }
  });
});

describe("Connect app webhooks", () => {
  it("POSTs the {event, data} envelope with a JWT to installed apps that subscribe", async () => {
    await sim.install(fake.url, "acme");
    const app = sim.apps()[0];
    fake.received.length = 0;
    const outcome = await sim.push("acme/app", { branch: "main", commits: commits(1) });
    expect(outcome.deliveries).toEqual([expect.objectContaining({ target: "connect", clientKey: app.clientKey, delivered: true })]);
    const got = fake.received[0];
    expect(got.path).toBe("/events");
    const claims = decodeSymmetric(String(got.headers.authorization).slice(4), app.sharedSecret, SymmetricAlgorithm.HS256);
    expect(claims).toMatchObject({ iss: app.clientKey, qsh: createQueryStringHash(fromMethodAndUrl("POST", "/events")) });
    expect(json(got)).toEqual({ event: "repo:push", data: outcome.payload });
    expect(got.headers["x-event-key"]).toBe("repo:push");
  });

  it("delivers nothing to apps of other workspaces or without the event's scope", async () => {
    fake.descriptor = { ...fake.descriptor, modules: { webhooks: [{ event: "pullrequest:created", url: "/events" }] }, scopes: ["repository", "webhook"] };
    await sim.install(fake.url, "acme");
    sim.addRepository("other", "repo");
    fake.received.length = 0;
    expect((await sim.pullRequest("acme/app", { id: 1, action: "created" })).deliveries).toEqual([]);
    expect((await sim.push("other/repo", { branch: "main", commits: commits(1) })).deliveries).toEqual([]);
    expect(fake.received).toEqual([]);
  });
});

describe("pull request events", () => {
  it("carries 12-character hashes, the state and the branches", async () => {
    hookTo("/pr", { events: ["pullrequest:created", "pullrequest:updated", "pullrequest:fulfilled"] });
    await sim.push("acme/app", { branch: "feature/login", commits: commits(2) });
    const created = await sim.pullRequest("acme/app", { id: 7, action: "created", title: "Login", source: "feature/login" });
    expect(created.event).toBe("pullrequest:created");
    const pr = json(fake.received[0]).pullrequest;
    expect(fake.received[0].headers["x-event-key"]).toBe("pullrequest:created");
    expect(pr).toMatchObject({ id: 7, title: "Login", state: "OPEN", source: { branch: { name: "feature/login" } }, destination: { branch: { name: "main" } } });
    expect(pr.source.commit.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(pr.destination.commit.hash).toMatch(/^[0-9a-f]{12}$/);
    await sim.pullRequest("acme/app", { id: 7, action: "updated", source: "feature/login" });
    const updated = json(fake.received[1]).pullrequest;
    expect(updated.source.commit.hash).not.toBe(pr.source.commit.hash);
    await sim.pullRequest("acme/app", { id: 7, action: "fulfilled", source: "feature/login" });
    expect(json(fake.received[2]).pullrequest.state).toBe("MERGED");
  });
});

describe("delivery into the ARM simulator", () => {
  it("is accepted when the hook secret is the org's ARM token", async () => {
    const arm = await startArmSimulator();
    try {
      arm.setToken("acme.com", "arm-token-1");
      const base = `${arm.url}/api/webhook/v2/acme.com/enterprise`;
      sim.addHook("acme/app", { url: `${base}/trigger-scm-push-request`, events: ["repo:push"], secret: "arm-token-1" });
      sim.addHook("acme/app", { url: `${base}/sync-alm-commits`, events: ["repo:push"], secret: "wrong-token" });
      const { deliveries } = await sim.push("acme/app", { branch: "main", commits: commits(1) });
      expect(deliveries.map((d) => d.attempts[0].status)).toEqual([200, 401]);
      expect(arm.deliveries.map((d) => [d.endpoint, d.edition, d.signatureValid, d.accepted])).toEqual([
        ["push", "enterprise", true, true],
        ["alm-sync", "enterprise", false, false],
      ]);
      expect(arm.deliveries[0].body.equals(deliveries[0].body)).toBe(true);
    } finally {
      await arm.close();
    }
  });
});

describe("events over the control API", () => {
  it("pushes through POST /_sim/push and reports deliveries without JWTs", async () => {
    await sim.install(fake.url, "acme");
    const res = await fetch(`${sim.url}/_sim/push`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ repo: "acme/app", branch: "main", commits: [{ message: "hello" }] }),
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.event).toBe("repo:push");
    expect(body.deliveries[0].headers.Authorization).toBeUndefined();
    expect(JSON.parse(body.deliveries[0].body).event).toBe("repo:push");
  });
});
