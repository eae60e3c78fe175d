/** The ARM simulator: signature check on raw bytes, endpoint forms, legacy paths, faults and outages. */
import { hubSignature, LEGACY_IGNORED, startArmSimulator, type ArmSim } from "../../../simulators";
import { SIGNED_PUSH, withSignedPush } from "../../support/signed-push-vector";

// Where the REFERENCE vector is absent, a body of our own stands in for the other tests.
const VECTOR_KEY = SIGNED_PUSH.key;
const VECTOR_BODY = SIGNED_PUSH.available
  ? SIGNED_PUSH.body()
  : Buffer.from(JSON.stringify({ push: { changes: [] }, repository: { full_name: "acme/payments" }, actor: { nickname: "ada" } }));
const VECTOR_SIGNATURE = SIGNED_PUSH.available ? `sha256=${SIGNED_PUSH.signatureHex}` : hubSignature(VECTOR_BODY, VECTOR_KEY);

let arm: ArmSim;
beforeEach(async () => {
  arm = await startArmSimulator();
  arm.setToken("autorabit.com", VECTOR_KEY);
});
afterEach(() => arm.close());

const ENTERPRISE_PUSH = "/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request";

function send(path: string, body: Buffer | string, signature?: string) {
  return fetch(arm.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Event-Key": "repo:push", ...(signature ? { "X-Hub-Signature": signature } : {}) },
    body: typeof body === "string" ? body : new Uint8Array(body), // a copy typed as fetch wants
  });
}

describe("signature check", () => {
  withSignedPush()("accepts the REFERENCE test vector, checked on the raw bytes", async () => {
    expect(hubSignature(VECTOR_BODY, VECTOR_KEY)).toBe(VECTOR_SIGNATURE);
    const res = await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "accepted" });
    const [d] = arm.deliveries;
    expect(d).toMatchObject({ org: "autorabit.com", endpoint: "push", edition: "enterprise", legacy: false, signatureValid: true, accepted: true, status: 200 });
    expect(d.body.equals(VECTOR_BODY)).toBe(true);
    expect(d.headers["x-event-key"]).toBe("repo:push");
  });

  it("refuses the same JSON re-serialised (the signature covers bytes, not meaning)", async () => {
    const reserialised = JSON.stringify(JSON.parse(VECTOR_BODY.toString("utf8")), null, 1);
    const res = await send(ENTERPRISE_PUSH, reserialised, VECTOR_SIGNATURE);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: expect.any(String) });
  });

  it.each([
    ["missing", undefined],
    ["made with another key", hubSignature(VECTOR_BODY, "another-token")],
    ["of the wrong length", "sha256=abc"],
    ["without the sha256= prefix", VECTOR_SIGNATURE.slice(7)],
  ])("answers 401 when the signature is %s", async (_label, signature) => {
    const res = await send(ENTERPRISE_PUSH, VECTOR_BODY, signature);
    expect(res.status).toBe(401);
    expect(arm.deliveries[0]).toMatchObject({ signatureValid: false, accepted: false, status: 401 });
  });

  it("answers 404 for an org without a token", async () => {
    const res = await send("/api/webhook/v2/unknown.org/trigger-scm-push-request", VECTOR_BODY, VECTOR_SIGNATURE);
    expect(res.status).toBe(404);
    expect(arm.deliveries[0]).toMatchObject({ org: "unknown.org", signatureValid: null, accepted: false });
  });
});

describe("endpoint forms", () => {
  it.each([
    ["/api/webhook/v2/autorabit.com/trigger-scm-push-request", "push", "standard"],
    ["/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request", "push", "enterprise"],
    ["/api/webhook/v2/autorabit.com/enterprise/sync-alm-commits", "alm-sync", "enterprise"],
    ["/api/webhook/v2/autorabit%2Ecom/enterprise/sync-alm-commits", "alm-sync", "enterprise"],
  ])("serves %s", async (path, endpoint, edition) => {
    expect((await send(path, VECTOR_BODY, VECTOR_SIGNATURE)).status).toBe(200);
    expect(arm.deliveries[0]).toMatchObject({ org: "autorabit.com", endpoint, edition, accepted: true });
  });

  it.each([
    "/api/webhook/v2//enterprise/trigger-scm-push-request",
    "/api/webhook/v2/autorabit.com/sync-alm-commits",
    "/api/webhook/v3/autorabit.com/trigger-scm-push-request",
  ])("answers 404 for %s, and records it", async (path) => {
    expect((await send(path, VECTOR_BODY, VECTOR_SIGNATURE)).status).toBe(404);
    expect(arm.deliveries[0]).toMatchObject({ path, org: null, endpoint: null, accepted: false });
  });

  it.each([
    ["/autorabitrest/webhook/triggerSCMPushrequest", null],
    ["/autorabitrest/webhook/autorabit.com/triggerSCMPushrequest", "autorabit.com"],
    ["/api/webhook/triggerSCMPushrequest", null],
  ])("answers 200 on the retired %s but ignores the delivery", async (path, org) => {
    const res = await send(path, VECTOR_BODY, VECTOR_SIGNATURE);
    expect(res.status).toBe(200);
    expect(arm.deliveries[0]).toMatchObject({ legacy: true, org, accepted: false, ignored: LEGACY_IGNORED });
    expect(LEGACY_IGNORED).toContain("25.3.9");
  });

  it("refuses bodies over 1 MB with 413", async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, "a");
    const res = await send(ENTERPRISE_PUSH, big, hubSignature(big, VECTOR_KEY));
    expect(res.status).toBe(413);
    expect(arm.deliveries[0]).toMatchObject({ status: 413, accepted: false });
  });
});

describe("waiting for deliveries", () => {
  it("resolves when enough have arrived and rejects on timeout", async () => {
    const waiting = arm.waitForDeliveries(2, 2000);
    await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE);
    await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE);
    expect(await waiting).toHaveLength(2);
    await expect(arm.waitForDeliveries(3, 50)).rejects.toThrow(/expected 3 deliveries/);
  });
});

describe("faults and outages", () => {
  it("answers a 503 with Retry-After the given number of times, recording the deliveries", async () => {
    arm.faults.add({ status: 503, retryAfterSeconds: 30, times: 1 });
    const first = await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE);
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("30");
    expect((await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE)).status).toBe(200);
    expect(arm.deliveries.map((d) => [d.status, d.accepted, d.faultId !== undefined])).toEqual([
      [503, false, true],
      [200, true, false],
    ]);
  });

  it("can hang until the sender gives up", async () => {
    arm.faults.add({ hang: true, times: 1 });
    await expect(fetch(arm.url + ENTERPRISE_PUSH, { method: "POST", body: "{}", signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(arm.deliveries[0]).toMatchObject({ status: 0, accepted: false });
  });

  it("can drop the connection", async () => {
    arm.faults.add({ dropConnection: true, times: 1 });
    await expect(send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE)).rejects.toThrow();
    expect((await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE)).status).toBe(200);
  });

  it("delays, then answers normally", async () => {
    arm.faults.add({ delayMs: 150, times: 1 });
    const started = Date.now();
    expect((await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(arm.deliveries[0].accepted).toBe(true);
  });

  it("refuses connections, then resumes on the same port", async () => {
    const url = arm.url;
    await arm.refuseConnections();
    await expect(send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE)).rejects.toThrow();
    await arm.resume();
    expect(arm.url).toBe(url);
    expect((await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE)).status).toBe(200);
  });
});

describe("control API over HTTP", () => {
  const control = (method: string, path: string, body?: object) =>
    fetch(`${arm.url}/_sim${path}`, { method, headers: { "Content-Type": "application/json" }, body: body && JSON.stringify(body) });

  it("sets tokens without ever showing them, lists deliveries, adds faults and resets", async () => {
    expect((await control("POST", "/tokens", { org: "other.org", token: "tok-2" })).status).toBe(204);
    expect(await (await control("GET", "/orgs")).json()).toEqual(["autorabit.com", "other.org"]);
    const body = Buffer.from('{"push":{}}');
    expect((await send("/api/webhook/v2/other.org/trigger-scm-push-request", body, hubSignature(body, "tok-2"))).status).toBe(200);
    const listed = await (await control("GET", "/deliveries")).json();
    expect(listed[0]).toMatchObject({ org: "other.org", accepted: true, body: '{"push":{}}', bodyBase64: body.toString("base64") });
    expect((await control("POST", "/faults", { status: 500, times: 1 })).status).toBe(201);
    expect((await send(ENTERPRISE_PUSH, VECTOR_BODY, VECTOR_SIGNATURE)).status).toBe(500);
    expect((await control("POST", "/reset")).status).toBe(204);
    expect(arm.deliveries).toHaveLength(0);
    expect(arm.orgs()).toEqual([]);
    expect((await control("POST", "/tokens", { org: "x" })).status).toBe(400);
  });
});
