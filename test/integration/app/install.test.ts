/** Scenarios 1 and 7: install, re-install and uninstall, with what the database really holds. */
import { randomBytes } from "node:crypto";
import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import {
  ARM_TOKEN,
  connectBody,
  errorShapeProblems,
  leakedSecrets,
  REPO,
  startStackOn,
  testDatabases,
  type Stack,
} from "../../support/stack";

/** A lifecycle JWT as Bitbucket builds it, signed with `secret`. */
function lifecycleJwt(stack: Stack, issuer: string, secret: string, path: string): string {
  const now = Math.floor(Date.now() / 1000);
  const qsh = createQueryStringHash(fromMethodAndUrl("POST", `${stack.config.baseUrl}${path}`), false, stack.config.baseUrl);
  return encodeSymmetric({ iss: issuer, aud: issuer, iat: now, exp: now + 180, qsh }, secret, SymmetricAlgorithm.HS256);
}

async function post(stack: Stack, path: string, body: unknown, authorization?: string) {
  const res = await fetch(`${stack.config.baseUrl}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  stack.responses.push(text);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.each(testDatabases())("install and uninstall on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackOn(kind);
  });
  afterAll(() => stack?.close());

  const tenantRow = async (clientKey: string) => (await stack.db.rows("tenants")).find((r) => r.client_key === clientKey);

  test("the first (unsigned) install stores the tenant with its shared secret encrypted", async () => {
    const secret = stack.installed().sharedSecret;
    const row = await tenantRow(stack.clientKey);
    expect(row).toMatchObject({ base_url: stack.bitbucket.url, base_api_url: stack.bitbucket.url, product_type: "bitbucket", workspace_slug: "acme" });
    expect(String(row!.shared_secret_enc)).toMatch(/^v1\./);
    const dump = JSON.stringify(await stack.db.snapshot());
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(Buffer.from(secret).toString("base64"));
    // The sealed secret still verifies Bitbucket's signatures: the signed settings page loads.
    await expect(stack.settings()).resolves.toHaveProperty("sessionToken");
  });

  test("an unsigned or forged re-install of a known clientKey answers 401 and keeps the stored secret", async () => {
    const before = await stack.db.snapshot();
    const unsigned = await stack.bitbucket.install(stack.config.baseUrl, "acme", { signature: "none" });
    const forged = await stack.bitbucket.install(stack.config.baseUrl, "acme", { signature: "forged" });
    expect([unsigned.status, forged.status]).toEqual([401, 401]);
    expect(JSON.parse(unsigned.body).error.code).toBe("jwt-missing");
    expect(JSON.parse(forged.body).error.code).toBe("jwt-signature");
    expect(await stack.db.snapshot()).toEqual(before);
    await expect(stack.settings()).resolves.toHaveProperty("sessionToken"); // the old secret still works
  });

  test("a signed re-install replaces the secret: the new one works, the old one no longer does", async () => {
    const old = stack.installed().sharedSecret;
    const sealedBefore = (await tenantRow(stack.clientKey))!.shared_secret_enc;
    const result = await stack.bitbucket.install(stack.config.baseUrl, "acme");
    expect(result).toMatchObject({ ok: true, status: 204, signed: true });
    const fresh = stack.installed().sharedSecret;
    stack.secrets.add(fresh);
    expect(fresh).not.toBe(old);
    expect((await tenantRow(stack.clientKey))!.shared_secret_enc).not.toBe(sealedBefore);
    const page = await stack.settings();
    expect((await page.call("GET", "/api/connection")).status).toBe(200);
    // A context token signed with the previous secret is refused now.
    const now = Math.floor(Date.now() / 1000);
    const stale = encodeSymmetric({ iss: stack.clientKey, iat: now, exp: now + 60, qsh: "context-qsh" }, old, SymmetricAlgorithm.HS256);
    const res = await page.call("GET", "/api/connection", undefined, { Authorization: `JWT ${stale}` });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("jwt-signature");
  });

  test.each([
    ["for another app key", { key: "someone-elses-app" }, 400, "install-wrong-app"],
    ["from a Bitbucket host not allowed", { baseUrl: "https://bitbucket.evil.example" }, 422, "install-host"],
    ["with an http API base on a public host", { baseApiUrl: "http://api.bitbucket.org" }, 422, "install-api-base"],
    ["with an API base carrying a path", { baseApiUrl: "https://api.bitbucket.org/2.0" }, 422, "install-api-base"],
    ["without a shared secret", { sharedSecret: undefined }, 400, "install-invalid"],
    ["for another product", { productType: "jira" }, 400, "install-invalid"],
  ])("an install payload %s is refused with a clear 4xx and nothing is stored", async (_name, patch, status, code) => {
    const before = await stack.db.snapshot();
    const clientKey = `ari:cloud:bitbucket::app/{${randomBytes(8).toString("hex")}}/test`;
    const payload = {
      key: stack.config.appKey,
      clientKey,
      sharedSecret: randomBytes(32).toString("base64url"),
      baseUrl: stack.bitbucket.url,
      baseApiUrl: stack.bitbucket.url,
      productType: "bitbucket",
      eventType: "installed",
      ...patch,
    };
    const res = await post(stack, "/installed", payload);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(errorShapeProblems(res.body)).toEqual([]);
    expect(await stack.db.snapshot()).toEqual(before);
  });

  test("an unsigned, forged or foreign-signed uninstall answers 401/403 and removes nothing", async () => {
    const page = await stack.settings();
    expect((await page.call("PUT", "/api/connection", connectBody(stack))).status).toBe(200);
    const globex = await stack.installWorkspace("globex");
    const before = await stack.db.snapshot();
    expect(before.connections).toHaveLength(1);
    const payload = { key: stack.config.appKey, clientKey: stack.clientKey, productType: "bitbucket", eventType: "uninstalled" };
    const unsigned = await post(stack, "/uninstalled", payload);
    const forged = await post(stack, "/uninstalled", payload, `JWT ${lifecycleJwt(stack, stack.clientKey, randomBytes(32).toString("hex"), "/uninstalled")}`);
    // Signed correctly, but by globex's installation while naming acme's.
    const foreign = await post(stack, "/uninstalled", payload, `JWT ${lifecycleJwt(stack, globex, stack.installed("globex/x").sharedSecret, "/uninstalled")}`);
    expect([unsigned.status, forged.status, foreign.status]).toEqual([401, 401, 403]);
    expect([unsigned.body.error.code, forged.body.error.code, foreign.body.error.code]).toEqual(["jwt-missing", "jwt-signature", "client-mismatch"]);
    expect(await stack.db.snapshot()).toEqual(before);
    expect((await page.call("GET", "/api/connection")).body.connection).toMatchObject({ repoFullName: REPO });
  });

  test("a signed uninstall removes the tenant, its connections and tokens; the page and API then answer 401", async () => {
    const page = await stack.settings();
    const contextToken = page.contextToken(); // taken while installed: Bitbucket hands out none afterwards
    const before = await stack.db.snapshot();
    const acmeConnections = before.connections.filter((c) => c.client_key === stack.clientKey).map((c) => c.id);
    expect(acmeConnections).toHaveLength(1);
    expect(before.managed_hooks.filter((h) => acmeConnections.includes(h.connection_id))).toHaveLength(2);

    const result = await stack.bitbucket.uninstall(stack.clientKey);
    expect(result).toMatchObject({ ok: true, status: 204, signed: true });

    const after = await stack.db.snapshot();
    expect(after.tenants.map((t) => t.client_key)).toEqual(before.tenants.map((t) => t.client_key).filter((k) => k !== stack.clientKey));
    expect(after.connections.filter((c) => c.client_key === stack.clientKey)).toEqual([]);
    expect(after.managed_hooks.filter((h) => acmeConnections.includes(h.connection_id))).toEqual([]);
    const sealedToken = String(before.connections.find((c) => c.client_key === stack.clientKey)!.token_enc);
    expect(JSON.stringify(after)).not.toContain(sealedToken);

    const reload = await fetch(page.pageUrl); // the page JWT is still within its lifetime, but the tenant is gone
    expect(reload.status).toBe(401);
    const api = await page.call("GET", "/api/connection", undefined, { Authorization: `JWT ${contextToken}` });
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe("unknown-tenant");
    expect(errorShapeProblems(api.body)).toEqual([]);
  });

  test("installing again after the uninstall starts clean, and Connect takes back the hooks left on the repository", async () => {
    const left = stack.bitbucket.hooks(REPO);
    expect(left).toHaveLength(2); // Bitbucket keeps repository hooks when an app is uninstalled
    const result = await stack.bitbucket.install(stack.config.baseUrl, "acme");
    expect(result).toMatchObject({ ok: true, status: 204, signed: false });
    stack.secrets.add(stack.installed().sharedSecret);
    const page = await stack.settings();
    expect((await page.call("GET", "/api/connection")).body).toMatchObject({
      connection: null,
      hooks: [],
      existingArmHooks: left.map((h) => ({ uuid: h.uuid, kind: "current" })),
    });
    const res = await page.call("PUT", "/api/connection", connectBody(stack));
    expect(res.status).toBe(200);
    expect(stack.bitbucket.hooks(REPO).map((h) => h.uuid).sort()).toEqual(left.map((h) => h.uuid).sort());
  });

  test("no log line and no answer carried a shared secret or the ARM token", () => {
    expect(stack.logs.length).toBeGreaterThan(0);
    expect(stack.secrets.has(ARM_TOKEN)).toBe(true);
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
