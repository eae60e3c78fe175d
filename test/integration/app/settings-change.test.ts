/** Scenarios 3, 5 and 6: changing settings updates hooks in place, replacing the token re-keys them, disconnecting removes ours only. */
import {
  ARM_TOKEN,
  armUrls,
  connectBody,
  leakedSecrets,
  startStackOn,
  testDatabases,
  type SettingsClient,
  type Stack,
} from "../../support/stack";

const JENKINS = "https://ci.example.com/bitbucket-hook/";

describe.each(testDatabases())("settings changes on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackOn(kind);
  });
  afterAll(() => stack?.close());

  /** A new repository, connected with the default Enterprise settings (plus overrides). */
  async function connected(slug: string, overrides: Record<string, unknown> = {}): Promise<{ repo: string; page: SettingsClient }> {
    const repo = stack.addRepo(slug);
    const page = await stack.settings(repo);
    const res = await page.call("PUT", "/api/connection", connectBody(stack, overrides));
    expect(res.status).toBe(200);
    return { repo, page };
  }
  const byUrl = (repo: string, url: string) => stack.bitbucket.hooks(repo).find((h) => h.url === url);
  const rowOf = async (repo: string) => (await stack.db.rows("connections")).find((r) => r.repo_uuid === stack.repoUuid(repo));
  const managedOf = async (repo: string) => {
    const row = await rowOf(repo);
    return (await stack.db.rows("managed_hooks")).filter((h) => row !== undefined && h.connection_id === row.id);
  };

  test("changing triggers updates the events in place (same hook uuid); turning ALM sync off deletes that hook", async () => {
    const { repo, page } = await connected("trigger-change");
    const urls = armUrls(stack);
    const pushUuid = byUrl(repo, urls.enterprisePush)!.uuid;
    const almUuid = byUrl(repo, urls.enterpriseAlm)!.uuid;

    // No token in the body: the stored one is kept, as when the admin only edits settings.
    const noPr = await page.call("PUT", "/api/connection", { ...connectBody(stack, { triggers: { push: true, pullRequests: false, almSync: true } }), token: undefined });
    expect(noPr.status).toBe(200);
    expect(byUrl(repo, urls.enterprisePush)).toMatchObject({ uuid: pushUuid, events: ["repo:push"], secret: ARM_TOKEN });
    expect(byUrl(repo, urls.enterpriseAlm)).toMatchObject({ uuid: almUuid, events: ["repo:push"] });

    const prOnly = await page.call("PUT", "/api/connection", connectBody(stack, { triggers: { push: false, pullRequests: true, almSync: false } }));
    expect(prOnly.status).toBe(200);
    expect(stack.bitbucket.hooks(repo)).toEqual([expect.objectContaining({ uuid: pushUuid, events: ["pullrequest:created", "pullrequest:updated"] })]);
    expect((await managedOf(repo)).map((h) => h.hook_uuid)).toEqual([pushUuid]);
    expect(prOnly.body.connection.triggers).toEqual({ push: false, pullRequests: true, almSync: false });
  });

  test("Enterprise to Standard moves the push hook in place and deletes the ALM sync hook", async () => {
    const { repo, page } = await connected("edition-change");
    const pushUuid = byUrl(repo, armUrls(stack).enterprisePush)!.uuid;
    const res = await page.call("PUT", "/api/connection", connectBody(stack, { edition: "standard", triggers: { push: true, pullRequests: true, almSync: false } }));
    expect(res.status).toBe(200);
    expect(stack.bitbucket.hooks(repo)).toEqual([expect.objectContaining({ uuid: pushUuid, url: armUrls(stack).standardPush, secret: ARM_TOKEN })]);
    expect(res.body.hooks).toEqual([expect.objectContaining({ endpoint: "push", state: "connected", hookUuid: pushUuid })]);
    expect((await managedOf(repo)).map((h) => h.endpoint)).toEqual(["push"]);
    expect(await rowOf(repo)).toMatchObject({ edition: "standard" });
  });

  test("changing the org updates both URLs in place, and ARM then accepts deliveries for the new org", async () => {
    const { repo, page } = await connected("org-change");
    const before = stack.bitbucket.hooks(repo);
    stack.arm.setToken("payments.example", ARM_TOKEN);
    const res = await page.call("PUT", "/api/connection", connectBody(stack, { org: "payments.example" }));
    expect(res.status).toBe(200);
    const urls = armUrls(stack, "payments.example");
    const after = stack.bitbucket.hooks(repo);
    expect(after.map((h) => [h.uuid, h.url]).sort()).toEqual(
      [
        [before.find((h) => h.url.endsWith("trigger-scm-push-request"))!.uuid, urls.enterprisePush],
        [before.find((h) => h.url.endsWith("sync-alm-commits"))!.uuid, urls.enterpriseAlm],
      ].sort(),
    );
    const seen = stack.arm.deliveries.length;
    await stack.bitbucket.push(repo, { branch: "main", commits: [{ message: "[PAY-1] org moved" }] });
    const arrived = stack.arm.deliveries.slice(seen);
    expect(arrived.map((d) => [d.org, d.endpoint, d.signatureValid, d.accepted]).sort()).toEqual([
      ["payments.example", "alm-sync", true, true],
      ["payments.example", "push", true, true],
    ]);
  });

  test("replacing the token re-keys every hook in place; ARM accepts the new one only", async () => {
    const org = "rotation.example";
    stack.arm.setToken(org, ARM_TOKEN);
    const { repo, page } = await connected("token-rotation", { org });
    const uuids = stack.bitbucket.hooks(repo).map((h) => h.uuid).sort();
    const sealedBefore = (await rowOf(repo))!.token_enc;

    const fresh = "arm-webhook-token-rotated-9876543210";
    stack.secrets.add(fresh);
    stack.arm.setToken(org, fresh); // the admin rotated the token in ARM: the old one is no longer valid there
    let seen = stack.arm.deliveries.length;
    await stack.bitbucket.push(repo, { branch: "main", commits: [{ message: "before the app knows" }] });
    expect(stack.arm.deliveries.slice(seen).map((d) => [d.signatureValid, d.status])).toEqual([
      [false, 401],
      [false, 401],
    ]);

    const res = await page.call("PUT", "/api/connection/token", { token: fresh });
    expect(res.status).toBe(200);
    expect(res.body.connection.tokenLast4).toBe("3210");
    expect(res.body.hooks.map((h: { state: string }) => h.state)).toEqual(["connected", "connected"]);
    const hooks = stack.bitbucket.hooks(repo);
    expect(hooks.map((h) => h.uuid).sort()).toEqual(uuids);
    expect(hooks.map((h) => h.secret)).toEqual([fresh, fresh]);
    const row = (await rowOf(repo))!;
    expect(row.token_enc).not.toBe(sealedBefore);
    expect(row.token_last4).toBe("3210");
    expect((await page.call("GET", "/api/connection")).body.connection.tokenLast4).toBe("3210");

    seen = stack.arm.deliveries.length;
    await stack.bitbucket.push(repo, { branch: "main", commits: [{ message: "after" }] });
    expect(stack.arm.deliveries.slice(seen).map((d) => [d.signatureValid, d.accepted])).toEqual([
      [true, true],
      [true, true],
    ]);
  });

  test("disconnect deletes the hooks the app manages (adopted one included), keeps others, and forgets the token", async () => {
    const repo = stack.addRepo("disconnect");
    const adopted = stack.bitbucket.addHook(repo, { url: armUrls(stack).enterprisePush, events: ["repo:push"], description: "made by hand" });
    const jenkins = stack.bitbucket.addHook(repo, { url: JENKINS, events: ["repo:push"], secret: "jenkins-secret-1" });
    const page = await stack.settings(repo);
    expect((await page.call("PUT", "/api/connection", connectBody(stack))).status).toBe(200);
    expect(stack.bitbucket.hooks(repo).map((h) => h.uuid)).toContain(adopted.uuid);
    expect(await managedOf(repo)).toHaveLength(2);
    const sealed = String((await rowOf(repo))!.token_enc);

    const res = await page.call("DELETE", "/api/connection");
    expect(res).toMatchObject({ status: 200, body: { connection: null, hooks: [] } });
    expect(stack.bitbucket.hooks(repo)).toEqual([jenkins]);
    expect(await rowOf(repo)).toBeUndefined();
    expect(await managedOf(repo)).toEqual([]);
    expect(JSON.stringify(await stack.db.snapshot())).not.toContain(sealed);
    expect((await page.call("GET", "/api/connection")).body).toEqual({ connection: null, hooks: [], existingArmHooks: [] });
    const again = await page.call("DELETE", "/api/connection");
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("not-connected");
  });

  test("no API answer and no log line ever carried a token or a shared secret", () => {
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
