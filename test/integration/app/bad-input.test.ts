/** Scenario 8: every kind of bad input is refused with a plain sentence, and changes nothing on Bitbucket or in the database. */
import {
  ARM_TOKEN,
  connectBody,
  errorShapeProblems,
  leakedSecrets,
  REPO,
  startStackOn,
  testDatabases,
  type SettingsClient,
  type Stack,
} from "../../support/stack";

/** Every row has all five entries (field undefined when none): jest passes a `done` callback to a test with more parameters than its row. */
type Case = [name: string, body: (stack: Stack) => unknown, status: number, code: string, field: string | undefined];

const fields = (patch: Record<string, unknown>) => (stack: Stack) => connectBody(stack, patch);
const triggers = (push: boolean, pullRequests: boolean, almSync: boolean) => ({ triggers: { push, pullRequests, almSync } });

const CONNECT_CASES: Case[] = [
  ["a placeholder org <OrgName>", fields({ org: "<OrgName>" }), 400, "invalid-org", "org"],
  ["an org with a slash", fields({ org: "a/b" }), 400, "invalid-org", "org"],
  ["an empty org", fields({ org: "" }), 400, "invalid-org", "org"],
  ["an org of blanks", fields({ org: "   " }), 400, "invalid-org", "org"],
  ["http on a non-loopback ARM host", fields({ instance: "http://na25.autorabit.com" }), 400, "invalid-instance", "instance"],
  ["a host outside ARM_ALLOWED_HOSTS", fields({ instance: "https://arm.evil.example" }), 400, "invalid-instance", "instance"],
  ["a private IP", fields({ instance: "https://10.0.0.1" }), 400, "invalid-instance", "instance"],
  ["the cloud metadata address", fields({ instance: "https://169.254.169.254" }), 400, "invalid-instance", "instance"],
  ["user info in the instance", fields({ instance: "https://admin:pw@na25.autorabit.com" }), 400, "invalid-instance", "instance"],
  ["a path in the instance", fields({ instance: "https://na25.autorabit.com/some/path" }), 400, "invalid-instance", "instance"],
  [
    "a full webhook URL as instance",
    fields({ instance: "https://na25.autorabit.com/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request" }),
    400,
    "invalid-instance",
    "instance",
  ],
  ["an unknown edition", fields({ edition: "premium" }), 400, "invalid-edition", "edition"],
  ["no trigger at all", fields(triggers(false, false, false)), 400, "no-trigger", "triggers"],
  ["ALM sync on Standard", fields({ edition: "standard", ...triggers(true, false, true) }), 400, "alm-needs-enterprise", "triggers.almSync"],
  ["a token of blanks", fields({ token: "    " }), 400, "token-missing", "token"],
  ["a token with spaces inside", fields({ token: "arm webhook token 1234" }), 400, "token-invalid", "token"],
  ["a token over 128 characters", fields({ token: "t".repeat(129) }), 400, "token-invalid", "token"],
  ["a too short token", fields({ token: "abc" }), 400, "token-invalid", "token"],
  ["a token that is not a string", fields({ token: 12345678 }), 400, "malformed", "token"],
  ["an unknown field", fields({ repoUuid: "{00000000-0000-0000-0000-000000000000}" }), 400, "malformed", undefined],
  ["an unknown trigger", fields({ triggers: { push: true, pullRequests: true, almSync: true, deploy: true } }), 400, "malformed", "triggers"],
  ["a missing field", (stack) => ({ ...connectBody(stack), org: undefined }), 400, "malformed", "org"],
  ["a JSON array", () => "[1, 2]", 400, "malformed", undefined],
  ["malformed JSON", () => '{"instance": "https://na25.autorabit.com",', 400, "malformed-json", undefined],
  ["a body over 64 KB", fields({ org: "a".repeat(70 * 1024) }), 413, "too-large", undefined],
];

const TOKEN_CASES: Case[] = [
  ["no token", () => ({}), 400, "malformed", "token"],
  ["a token of blanks", () => ({ token: " \n " }), 400, "token-missing", "token"],
  ["a token over 128 characters", () => ({ token: "x".repeat(200) }), 400, "token-invalid", "token"],
  ["an unknown field", () => ({ token: "arm-webhook-token-ffff0000", repo: "globex/ledger" }), 400, "malformed", undefined],
  ["malformed JSON", () => "{token:", 400, "malformed-json", undefined],
];

describe.each(testDatabases())("bad input on %s", (kind) => {
  let stack: Stack;
  let page: SettingsClient;
  beforeAll(async () => {
    stack = await startStackOn(kind);
    page = await stack.settings();
    const res = await page.call("PUT", "/api/connection", connectBody(stack));
    if (res.status !== 200) throw new Error(`connect failed: ${res.text}`);
  });
  afterAll(() => stack?.close());

  /** Everything a bad request could have changed. */
  const state = async () => ({ hooks: stack.bitbucket.hooks(REPO), db: await stack.db.snapshot() });

  async function expectRefused(method: string, path: string, body: unknown, status: number, code: string, field?: string, headers?: Record<string, string>) {
    const before = await state();
    const requests = stack.bitbucket.requests.length;
    const res = await page.call(method, path, body, headers);
    expect(res.status).toBe(status);
    expect(errorShapeProblems(res.body)).toEqual([]);
    expect(res.body.error.code).toBe(code);
    if (field !== undefined) expect(res.body.error.field).toBe(field);
    expect(res.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    expect(await state()).toEqual(before);
    // Refused before any work: Bitbucket was not even asked.
    expect(stack.bitbucket.requests.length).toBe(requests);
  }

  test.each(CONNECT_CASES)("PUT /api/connection with %s is refused and changes nothing", async (_name, body, status, code, field) => {
    await expectRefused("PUT", "/api/connection", body(stack), status, code, field);
  });

  test.each(TOKEN_CASES)("PUT /api/connection/token with %s is refused and changes nothing", async (_name, body, status, code, field) => {
    await expectRefused("PUT", "/api/connection/token", body(stack), status, code, field);
  });

  test.each([
    ["an unsupported charset", { "Content-Type": "application/json; charset=latin1" }, 415],
    ["an unsupported content encoding", { "Content-Encoding": "br" }, 415],
    ["a corrupt gzip body", { "Content-Encoding": "gzip" }, 400],
  ])("a body in %s is refused as the caller's mistake, not as a server error", async (_name, headers, status) => {
    await expectRefused("PUT", "/api/connection", JSON.stringify(connectBody(stack)), status, "unreadable-body", undefined, headers);
    expect(stack.logs.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  test("the first connect without a token is refused and leaves no connection", async () => {
    const repo = stack.addRepo("no-token");
    const fresh = await stack.settings(repo);
    const before = await stack.db.snapshot();
    const res = await fresh.call("PUT", "/api/connection", { ...connectBody(stack), token: undefined });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "token-missing", field: "token" });
    expect(errorShapeProblems(res.body)).toEqual([]);
    expect(await stack.db.snapshot()).toEqual(before);
    expect(stack.bitbucket.hooks(repo)).toEqual([]);
  });

  test("token replacement, reconnect and disconnect of a repository that is not connected answer 404", async () => {
    const fresh = await stack.settings(stack.addRepo("never-connected"));
    const before = await stack.db.snapshot();
    for (const [method, path, body] of [
      ["PUT", "/api/connection/token", { token: "arm-webhook-token-ffff0000" }],
      ["POST", "/api/connection/reconnect", undefined],
      ["DELETE", "/api/connection", undefined],
    ] as const) {
      const res = await fresh.call(method, path, body);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not-connected");
      expect(errorShapeProblems(res.body)).toEqual([]);
    }
    expect(await stack.db.snapshot()).toEqual(before);
  });

  test("after all that, the connection is intact and its hooks still connected", async () => {
    const view = await page.call("GET", "/api/connection");
    expect(view.body.connection).toMatchObject({ tokenLast4: ARM_TOKEN.slice(-4), lastError: null });
    expect(view.body.hooks.map((h: { state: string }) => h.state)).toEqual(["connected", "connected"]);
  });

  test("no API answer and no log line ever carried the token or a shared secret", () => {
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
