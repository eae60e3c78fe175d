/** The Bitbucket simulator acting as Bitbucket towards an app: descriptor checks, installed/uninstalled POSTs and their signatures. */
import { createQueryStringHash, decodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import { startBitbucketSimulator, type BitbucketSim } from "../../../simulators";
import { APP_KEY, json, signAsApp, startFakeApp, type FakeApp } from "./fake-app";

let sim: BitbucketSim;
let fake: FakeApp;
let workspaceUuid: string;

beforeEach(async () => {
  sim = await startBitbucketSimulator();
  workspaceUuid = sim.addWorkspace("acme", "Acme Corp").uuid;
  sim.addRepository("acme", "app");
  fake = await startFakeApp();
});
afterEach(async () => {
  await sim.close();
  await fake.close();
});

const jwtOf = (authorization: string | string[] | undefined) => String(authorization).replace(/^JWT /, "");
const hooksPath = "/2.0/repositories/acme/app/hooks";
const listHooks = (app = sim.apps()[0], secret?: string) =>
  fetch(sim.url + hooksPath, { headers: { Authorization: signAsApp(app, "GET", hooksPath, {}, secret ?? app.sharedSecret) } });

describe("install", () => {
  it("POSTs an unsigned first install with Bitbucket's payload", async () => {
    const result = await sim.install(fake.url, "acme");
    expect(result).toMatchObject({ ok: true, status: 200, signed: false });
    expect(fake.received).toHaveLength(1);
    const call = fake.received[0];
    expect(call.path).toBe("/installed");
    expect(call.headers.authorization).toBeUndefined();
    const body = json(call);
    expect(body).toMatchObject({
      key: APP_KEY,
      clientKey: result.clientKey,
      baseUrl: sim.url,
      baseApiUrl: sim.url,
      productType: "bitbucket",
      eventType: "installed",
      principal: { type: "team", uuid: workspaceUuid, username: "acme", display_name: "Acme Corp" },
      user: { type: "user", nickname: "sim-admin" },
    });
    expect(body.sharedSecret).toEqual(expect.any(String));
    expect(body.sharedSecret.length).toBeGreaterThanOrEqual(32);
    expect(sim.apps()).toEqual([expect.objectContaining({ key: APP_KEY, clientKey: result.clientKey, sharedSecret: body.sharedSecret, workspace: "acme" })]);
    expect((await listHooks()).status).toBe(200);
  });

  it("signs a re-install with the previous secret and rotates it", async () => {
    await sim.install(fake.url, "acme");
    const first = sim.apps()[0];
    const result = await sim.install(fake.url, "acme");
    expect(result).toMatchObject({ ok: true, signed: true, clientKey: first.clientKey });
    const call = fake.received[1];
    const claims = decodeSymmetric(jwtOf(call.headers.authorization), first.sharedSecret, SymmetricAlgorithm.HS256);
    expect(claims).toMatchObject({ iss: first.clientKey, aud: [first.clientKey], qsh: createQueryStringHash(fromMethodAndUrl("POST", "/installed")) });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    const second = sim.apps()[0];
    expect(json(call).sharedSecret).toBe(second.sharedSecret);
    expect(second.sharedSecret).not.toBe(first.sharedSecret);
    expect((await listHooks(second, first.sharedSecret)).status).toBe(401);
    expect((await listHooks(second)).status).toBe(200);
  });

  it("computes the qsh relative to a baseUrl that has a path", async () => {
    fake.descriptor = { ...fake.descriptor, baseUrl: `${fake.url}/prefix` };
    await sim.install(fake.url, "acme");
    const first = sim.apps()[0];
    await sim.install(fake.url, "acme");
    expect(fake.received.map((r) => r.path)).toEqual(["/prefix/installed", "/prefix/installed"]);
    const claims = decodeSymmetric(jwtOf(fake.received[1].headers.authorization), first.sharedSecret, SymmetricAlgorithm.HS256);
    expect(claims.qsh).toBe(createQueryStringHash(fromMethodAndUrl("POST", "/installed")));
  });

  it("does not install when the app refuses, and keeps the old secret when a re-install is refused", async () => {
    fake.answers.push(500);
    const refused = await sim.install(fake.url, "acme");
    expect(refused).toMatchObject({ ok: false, status: 500 });
    expect(sim.apps()).toEqual([]);
    await sim.install(fake.url, "acme");
    const installed = sim.apps()[0];
    fake.answers.push(401);
    expect((await sim.install(fake.url, "acme")).ok).toBe(false);
    expect(sim.apps()[0].sharedSecret).toBe(installed.sharedSecret);
  });

  it("can forge the signature for negative tests", async () => {
    await sim.install(fake.url, "acme");
    const first = sim.apps()[0];
    await sim.install(fake.url, "acme", { signature: "forged" });
    expect(() => decodeSymmetric(jwtOf(fake.received[1].headers.authorization), first.sharedSecret, SymmetricAlgorithm.HS256)).toThrow();
  });

  it.each([
    ["authentication other than jwt", { authentication: { type: "none" } }, /authentication/],
    ["an unknown scope", { scopes: ["repository", "admin:everything"] }, /admin:everything/],
    ["no installed lifecycle", { lifecycle: {} }, /lifecycle.installed/],
    ["the personal context", { contexts: ["personal"] }, /personal/],
    ["a relative baseUrl", { baseUrl: "/app" }, /baseUrl/],
  ])("rejects a descriptor with %s before calling the app", async (_label, patch, message) => {
    fake.descriptor = { ...fake.descriptor, ...(patch as object) };
    await expect(sim.install(fake.url, "acme")).rejects.toThrow(message);
    expect(fake.received).toHaveLength(0);
  });

  it("records every lifecycle call", async () => {
    await sim.install(fake.url, "acme");
    await sim.uninstall(sim.apps()[0].clientKey);
    expect(sim.lifecycleCalls.map((c) => [c.eventType, c.signed, c.status])).toEqual([
      ["installed", false, 200],
      ["uninstalled", true, 200],
    ]);
  });
});

describe("uninstall", () => {
  it("POSTs a signed uninstalled event without a secret, and forgets the app", async () => {
    await sim.install(fake.url, "acme");
    const app = sim.apps()[0];
    const result = await sim.uninstall(app.clientKey);
    expect(result).toMatchObject({ ok: true, signed: true });
    const call = fake.received[1];
    expect(call.path).toBe("/uninstalled");
    const claims = decodeSymmetric(jwtOf(call.headers.authorization), app.sharedSecret, SymmetricAlgorithm.HS256);
    expect(claims).toMatchObject({ iss: app.clientKey, qsh: createQueryStringHash(fromMethodAndUrl("POST", "/uninstalled")) });
    const body = json(call);
    expect(body).toMatchObject({ eventType: "uninstalled", clientKey: app.clientKey, key: APP_KEY });
    expect(body).not.toHaveProperty("sharedSecret");
    expect(sim.apps()).toEqual([]);
    expect((await listHooks(app)).status).toBe(401);
  });

  it("installs afresh (unsigned) after an uninstall", async () => {
    await sim.install(fake.url, "acme");
    await sim.uninstall(sim.apps()[0].clientKey);
    expect((await sim.install(fake.url, "acme")).signed).toBe(false);
  });
});

describe("install over the control API", () => {
  it("installs through POST /_sim/install without echoing the shared secret", async () => {
    const res = await fetch(`${sim.url}/_sim/install`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ appBaseUrl: fake.url, workspace: "acme" }),
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ ok: true, clientKey: sim.apps()[0].clientKey });
    expect(text).not.toContain(sim.apps()[0].sharedSecret);
  });
});
