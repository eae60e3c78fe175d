/** Scenario 2: "Connect to ARM" registers exactly the right hooks, stores the token sealed, and ARM accepts the deliveries. */
import { HOOK_DESCRIPTIONS } from "../../../src/hooks/desired-hooks";
import {
  ARM_TOKEN,
  armUrls,
  connectBody,
  leakedSecrets,
  ORG,
  REPO,
  startStackOn,
  testDatabases,
  type Stack,
} from "../../support/stack";

const PUSH_EVENTS = ["pullrequest:created", "pullrequest:updated", "repo:push"];

describe.each(testDatabases())("connect on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackOn(kind);
  });
  afterAll(() => stack?.close());

  const connectionRows = async (repo: string) => (await stack.db.rows("connections")).filter((r) => r.repo_uuid === stack.repoUuid(repo));

  test("Enterprise: one push hook and one ALM sync hook, exactly as ARM documents them, with the token as secret", async () => {
    const page = await stack.settings();
    const before = await page.call("GET", "/api/connection");
    expect(before).toMatchObject({ status: 200, body: { connection: null, hooks: [] } });

    const res = await page.call("PUT", "/api/connection", connectBody(stack));
    expect(res.status).toBe(200);
    const urls = armUrls(stack);
    const hooks = stack.bitbucket.hooks(REPO);
    expect(hooks.map(({ url, events, secret, active, description }) => ({ url, events, secret, active, description }))).toEqual(
      expect.arrayContaining([
        { url: urls.enterprisePush, events: PUSH_EVENTS, secret: ARM_TOKEN, active: true, description: HOOK_DESCRIPTIONS.push },
        { url: urls.enterpriseAlm, events: ["repo:push"], secret: ARM_TOKEN, active: true, description: HOOK_DESCRIPTIONS["alm-sync"] },
      ]),
    );
    expect(hooks).toHaveLength(2);

    const uuidOf = (url: string) => hooks.find((h) => h.url === url)!.uuid;
    expect(res.body.connection).toMatchObject({
      repoUuid: stack.repoUuid(REPO),
      repoFullName: REPO,
      instance: stack.arm.url,
      org: ORG,
      edition: "enterprise",
      triggers: { push: true, pullRequests: true, almSync: true },
      tokenLast4: ARM_TOKEN.slice(-4),
      lastError: null,
    });
    expect(res.body.hooks).toEqual([
      expect.objectContaining({ endpoint: "push", url: urls.enterprisePush, state: "connected", hookUuid: uuidOf(urls.enterprisePush), events: PUSH_EVENTS }),
      expect.objectContaining({ endpoint: "alm-sync", url: urls.enterpriseAlm, state: "connected", hookUuid: uuidOf(urls.enterpriseAlm) }),
    ]);
    expect((await page.call("GET", "/api/connection")).body).toEqual(res.body);

    const [row] = await connectionRows(REPO);
    expect(row).toMatchObject({ client_key: stack.clientKey, repo_full_name: REPO, token_last4: ARM_TOKEN.slice(-4) });
    expect(String(row.token_enc)).toMatch(/^v1\./);
    expect(JSON.stringify(await stack.db.snapshot())).not.toContain(ARM_TOKEN);
    const managed = (await stack.db.rows("managed_hooks")).filter((h) => h.connection_id === row.id);
    expect(managed.map((h) => [h.endpoint, h.hook_uuid]).sort()).toEqual(
      [["alm-sync", uuidOf(urls.enterpriseAlm)], ["push", uuidOf(urls.enterprisePush)]].sort(),
    );
  });

  test("Standard: only the standard push hook; triggers choose its events", async () => {
    const both = stack.addRepo("standard-both");
    const pushOnly = stack.addRepo("standard-push-only");
    const standard = { edition: "standard", triggers: { push: true, pullRequests: true, almSync: false } };
    expect((await (await stack.settings(both)).call("PUT", "/api/connection", connectBody(stack, standard))).status).toBe(200);
    const onlyPush = { edition: "standard", triggers: { push: true, pullRequests: false, almSync: false } };
    expect((await (await stack.settings(pushOnly)).call("PUT", "/api/connection", connectBody(stack, onlyPush))).status).toBe(200);

    const pick = (repo: string) => stack.bitbucket.hooks(repo).map(({ url, events, secret, active }) => ({ url, events, secret, active }));
    const url = armUrls(stack).standardPush;
    expect(pick(both)).toEqual([{ url, events: PUSH_EVENTS, secret: ARM_TOKEN, active: true }]);
    expect(pick(pushOnly)).toEqual([{ url, events: ["repo:push"], secret: ARM_TOKEN, active: true }]);
  });

  test("clicking Connect twice, or twice at once from two open pages, leaves exactly one hook per endpoint", async () => {
    const twice = stack.addRepo("clicked-twice");
    const page = await stack.settings(twice);
    const first = await page.call("PUT", "/api/connection", connectBody(stack));
    const second = await page.call("PUT", "/api/connection", connectBody(stack));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.hooks.map((h: { hookUuid: string }) => h.hookUuid)).toEqual(first.body.hooks.map((h: { hookUuid: string }) => h.hookUuid));
    expect(stack.bitbucket.hooks(twice)).toHaveLength(2);

    const racing = stack.addRepo("clicked-at-once");
    const [a, b] = [await stack.settings(racing), await stack.settings(racing)];
    const answers = await Promise.all([a.call("PUT", "/api/connection", connectBody(stack)), b.call("PUT", "/api/connection", connectBody(stack))]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const hooks = stack.bitbucket.hooks(racing);
    expect(hooks.map((h) => h.url).sort()).toEqual([armUrls(stack).enterpriseAlm, armUrls(stack).enterprisePush]);
    expect(await connectionRows(racing)).toHaveLength(1);
    const [row] = await connectionRows(racing);
    const managed = (await stack.db.rows("managed_hooks")).filter((h) => h.connection_id === row.id);
    expect(managed.map((h) => h.hook_uuid).sort()).toEqual(hooks.map((h) => h.uuid).sort());
  });

  test("a push and a pull request reach ARM with a valid signature on the right endpoints", async () => {
    const seen = stack.arm.deliveries.length;
    // Direct mode: the repository hooks call ARM (the app's own Connect webhook deliveries are not counted here).
    const hookDeliveries = (outcome: { deliveries: { target: string; delivered: boolean }[] }) =>
      outcome.deliveries.filter((d) => d.target === "hook").map((d) => d.delivered);
    const push = await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "[PAY-7] settle invoices" }] });
    expect(hookDeliveries(push)).toEqual([true, true]);
    const pr = await stack.bitbucket.pullRequest(REPO, { id: 1, action: "created" });
    expect(hookDeliveries(pr)).toEqual([true]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a stray second delivery to show up

    const arrived = stack.arm.deliveries.slice(seen);
    expect(arrived.map(({ org, endpoint, edition, signatureValid, accepted, status }) => ({ org, endpoint, edition, signatureValid, accepted, status }))).toEqual(
      expect.arrayContaining([
        { org: ORG, endpoint: "push", edition: "enterprise", signatureValid: true, accepted: true, status: 200 },
        { org: ORG, endpoint: "alm-sync", edition: "enterprise", signatureValid: true, accepted: true, status: 200 },
      ]),
    );
    expect(arrived).toHaveLength(3);
    expect(arrived[2]).toMatchObject({ endpoint: "push", signatureValid: true, accepted: true, headers: { "x-event-key": "pullrequest:created" } });
  });

  test("no API answer and no log line ever carried the ARM token or a shared secret", () => {
    expect(stack.responses.length).toBeGreaterThan(5);
    expect(stack.responses.some((r) => r.includes(`"tokenLast4":"${ARM_TOKEN.slice(-4)}"`))).toBe(true);
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
