/**
 * Scenario 9: who may call the settings page and API. Every refused call answers 401/403 and changes nothing;
 * two workspaces (acme, globex) never see or touch each other's connections.
 */
import { randomBytes } from "node:crypto";
import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import { issueSessionToken } from "../../../src/connect/auth/session-token";
import {
  connectBody,
  errorShapeProblems,
  leakedSecrets,
  REPO,
  startStackOn,
  testDatabases,
  type SettingsClient,
  type Stack,
} from "../../support/stack";

const GLOBEX_REPO = "globex/ledger";
const now = () => Math.floor(Date.now() / 1000);

function jwt(claims: Record<string, unknown>, secret: string): string {
  return encodeSymmetric(claims, secret, SymmetricAlgorithm.HS256);
}

describe.each(testDatabases())("authentication and tenancy on %s", (kind) => {
  let stack: Stack;
  let acme: SettingsClient;
  let globex: SettingsClient;
  let globexKey: string;
  beforeAll(async () => {
    stack = await startStackOn(kind);
    globexKey = await stack.installWorkspace("globex");
    stack.addRepo("ledger", "globex");
    acme = await stack.settings(REPO);
    globex = await stack.settings(GLOBEX_REPO);
    for (const page of [acme, globex]) {
      const res = await page.call("PUT", "/api/connection", connectBody(stack));
      if (res.status !== 200) throw new Error(`connect failed: ${res.text}`);
    }
  });
  afterAll(() => stack?.close());

  const state = async () => ({ acme: stack.bitbucket.hooks(REPO), globex: stack.bitbucket.hooks(GLOBEX_REPO), db: await stack.db.snapshot() });
  const contextClaims = (clientKey = stack.clientKey) => ({ iss: clientKey, aud: clientKey, iat: now(), exp: now() + 180, qsh: "context-qsh" });
  const acmeSecret = () => stack.installed(REPO).sharedSecret;

  /** Sends a read and a destructive call with these headers; both must be refused with this status and code, and nothing may change. */
  async function expectRefused(headers: Record<string, string>, status: number, code: string, page = acme) {
    const before = await state();
    for (const [method, path] of [
      ["GET", "/api/connection"],
      ["DELETE", "/api/connection"],
    ]) {
      const res = await page.call(method, path, undefined, headers);
      expect({ method, status: res.status, code: res.body?.error?.code }).toEqual({ method, status, code });
      expect(errorShapeProblems(res.body)).toEqual([]);
    }
    expect(await state()).toEqual(before);
  }

  test("no JWT", async () => {
    await expectRefused({ Authorization: "" }, 401, "jwt-missing");
  });

  test("a JWT that is not one", async () => {
    await expectRefused({ Authorization: "JWT not.a.jwt" }, 401, "jwt-malformed");
  });

  test("a JWT signed with the wrong secret", async () => {
    await expectRefused({ Authorization: `JWT ${jwt(contextClaims(), randomBytes(32).toString("base64url"))}` }, 401, "jwt-signature");
  });

  test("an expired JWT", async () => {
    const claims = { ...contextClaims(), iat: now() - 600, exp: now() - 300 };
    await expectRefused({ Authorization: `JWT ${jwt(claims, acmeSecret())}` }, 401, "jwt-expired");
  });

  test("a JWT of an installation that does not exist", async () => {
    await expectRefused({ Authorization: `JWT ${jwt(contextClaims("ari:cloud:bitbucket::app/{nobody}/x"), acmeSecret())}` }, 401, "unknown-tenant");
  });

  test("a request JWT (qsh of a request) where a context token is needed", async () => {
    // Valid for exactly this request, as a page load or a webhook would be; the API accepts only AP.context.getToken() tokens.
    const url = `${stack.config.baseUrl}/api/connection`;
    for (const method of ["GET", "DELETE"]) {
      const qsh = createQueryStringHash(fromMethodAndUrl(method, url), false, stack.config.baseUrl);
      const res = await acme.call(method, "/api/connection", undefined, { Authorization: `JWT ${jwt({ ...contextClaims(), qsh }, acmeSecret())}` });
      expect([res.status, res.body.error.code]).toEqual([401, "jwt-qsh"]);
    }
    expect(stack.bitbucket.hooks(REPO)).toHaveLength(2);
  });

  test("a context token in the query string instead of the Authorization header", async () => {
    const res = await acme.call("DELETE", `/api/connection?jwt=${acme.contextToken()}`, undefined, { Authorization: "" });
    expect([res.status, res.body.error.code]).toEqual([401, "jwt-missing"]);
    expect(stack.bitbucket.hooks(REPO)).toHaveLength(2);
  });

  test("a missing page session", async () => {
    await expectRefused({ "X-ARM-Session": "" }, 401, "session-missing");
  });

  test("a page session edited to name another repository", async () => {
    const [body, sig] = acme.sessionToken.split(".");
    const session = JSON.parse(Buffer.from(body, "base64url").toString());
    const edited = Buffer.from(JSON.stringify({ ...session, repoUuid: stack.repoUuid(GLOBEX_REPO), repoFullName: GLOBEX_REPO })).toString("base64url");
    await expectRefused({ "X-ARM-Session": `${edited}.${sig}` }, 401, "session-forged");
    const longer = Buffer.from(JSON.stringify({ ...session, exp: session.exp + 86400 })).toString("base64url");
    await expectRefused({ "X-ARM-Session": `${longer}.${sig}` }, 401, "session-forged");
  });

  test("an expired page session (correctly signed, past its 8 hours)", async () => {
    const expired = issueSessionToken(stack.sessionKey(), {
      clientKey: stack.clientKey,
      repoUuid: stack.repoUuid(REPO),
      repoFullName: REPO,
      user: stack.bitbucket.addUser("sim-admin").uuid,
      exp: now() - 1,
    });
    await expectRefused({ "X-ARM-Session": expired }, 401, "session-expired");
  });

  test("acme's page session with globex's context token, and the other way round", async () => {
    await expectRefused({ Authorization: `JWT ${globex.contextToken()}` }, 403, "scope-mismatch", acme);
    await expectRefused({ Authorization: `JWT ${acme.contextToken()}` }, 403, "scope-mismatch", globex);
  });

  test("a page session of one user with the context token of another user", async () => {
    const mallory = stack.bitbucket.addUser("mallory");
    const token = stack.bitbucket.contextToken(REPO, { user: mallory.uuid });
    await expectRefused({ Authorization: `JWT ${token}` }, 403, "scope-mismatch");
  });

  test("a session naming acme's repository under globex's installation never reaches acme's connection", async () => {
    // Defence in depth: even a validly signed session cannot pair one tenant with another tenant's repository.
    const crossed = issueSessionToken(stack.sessionKey(), {
      clientKey: globexKey,
      repoUuid: stack.repoUuid(REPO),
      repoFullName: REPO,
      user: null,
      exp: now() + 600,
    });
    const before = await state();
    const headers = { "X-ARM-Session": crossed };
    const view = await globex.call("GET", "/api/connection", undefined, headers);
    // globex's credentials cannot even read acme's hooks: Bitbucket answers 404 to them.
    expect(view.body).toEqual({
      connection: null,
      hooks: [],
      existingArmHooks: [],
      hooksError: "The repository was not found, or the app has no access to it (HTTP 404).",
    });
    const gone = await globex.call("DELETE", "/api/connection", undefined, headers);
    expect([gone.status, gone.body.error.code]).toEqual([404, "not-connected"]);
    const takeover = await globex.call("PUT", "/api/connection", connectBody(stack, { org: "takeover.example" }), headers);
    expect(takeover.status).toBeGreaterThanOrEqual(400);
    expect(errorShapeProblems(takeover.body)).toEqual([]);
    expect(await state()).toEqual(before);
  });

  test("each workspace sees and changes only its own connection", async () => {
    const acmeView = await acme.call("GET", "/api/connection");
    const globexView = await globex.call("GET", "/api/connection");
    expect(acmeView.body.connection).toMatchObject({ repoFullName: REPO, repoUuid: stack.repoUuid(REPO) });
    expect(globexView.body.connection).toMatchObject({ repoFullName: GLOBEX_REPO, repoUuid: stack.repoUuid(GLOBEX_REPO) });
    const acmeHooks = stack.bitbucket.hooks(REPO);
    expect((await globex.call("DELETE", "/api/connection")).status).toBe(200);
    expect(stack.bitbucket.hooks(GLOBEX_REPO)).toEqual([]);
    expect(stack.bitbucket.hooks(REPO)).toEqual(acmeHooks);
    expect((await acme.call("GET", "/api/connection")).body.connection).toMatchObject({ repoFullName: REPO });
    const rows = await stack.db.rows("connections");
    expect(rows.map((r) => [r.client_key, r.repo_full_name])).toEqual([[stack.clientKey, REPO]]);
  });

  describe("the settings page", () => {
    const withJwt = (url: string, token: string) => {
      const u = new URL(url);
      u.searchParams.set("jwt", token);
      return u.toString();
    };
    const pageClaims = (url: string) => {
      const u = new URL(url);
      u.searchParams.delete("jwt");
      const qsh = createQueryStringHash(fromMethodAndUrl("GET", u.toString()), false, stack.config.baseUrl);
      return { iss: stack.clientKey, aud: stack.clientKey, iat: now(), exp: now() + 180, qsh };
    };
    const status = async (url: string) => {
      const res = await fetch(url);
      const html = await res.text();
      stack.responses.push(html);
      expect(html).not.toContain("arm-context");
      return res.status;
    };

    test("answers 200 to Bitbucket's signed URL", async () => {
      expect((await fetch(stack.bitbucket.adminPageIframeUrl(REPO))).status).toBe(200);
    });

    test("answers 401 without a JWT, with a forged or expired one, or a context token", async () => {
      const url = stack.bitbucket.adminPageIframeUrl(REPO);
      const bare = new URL(url);
      bare.searchParams.delete("jwt");
      expect(await status(bare.toString())).toBe(401);
      expect(await status(withJwt(url, jwt(pageClaims(url), randomBytes(32).toString("base64url"))))).toBe(401);
      expect(await status(withJwt(url, jwt({ ...pageClaims(url), iat: now() - 900, exp: now() - 600 }, acmeSecret())))).toBe(401);
      expect(await status(withJwt(url, jwt(contextClaims(), acmeSecret())))).toBe(401);
    });

    test("answers 401 when repoUuid or repoPath were changed after Bitbucket signed the URL (qsh mismatch)", async () => {
      const url = new URL(stack.bitbucket.adminPageIframeUrl(REPO));
      url.searchParams.set("repoUuid", stack.repoUuid(GLOBEX_REPO));
      expect(await status(url.toString())).toBe(401);
      const path = new URL(stack.bitbucket.adminPageIframeUrl(REPO));
      path.searchParams.set("repoPath", GLOBEX_REPO);
      expect(await status(path.toString())).toBe(401);
    });
  });

  test("no API answer and no log line ever carried the token or a shared secret", () => {
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
