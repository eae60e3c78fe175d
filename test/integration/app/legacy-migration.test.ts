/** Scenario 4: legacy, malformed and hand-made ARM hooks are taken over in place; status shows what changed behind the app's back. */
import { HOOK_DESCRIPTIONS } from "../../../src/hooks/desired-hooks";
import { ARM_TOKEN, armUrls, connectBody, leakedSecrets, startStackOn, testDatabases, type Stack } from "../../support/stack";

const JENKINS = "https://ci.example.com/bitbucket-hook/";

describe.each(testDatabases())("legacy migration and hook status on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackOn(kind);
  });
  afterAll(() => stack?.close());

  /** Legacy URLs on the ARM simulator's origin (the instance under test), in the forms of REFERENCE section 1. */
  const legacy = () => ({
    push: `${stack.arm.url}/autorabitrest/webhook/triggerSCMPushrequest`,
    perOrg: `${stack.arm.url}/autorabitrest/webhook/autorabit.com/triggerSCMPushrequest`,
    malformedPush: `${stack.arm.url}/api/webhook/v2//enterprise/trigger-scm-push-request`,
    malformedAlm: `${stack.arm.url}/api/webhook/v2//enterprise/sync-alm-commits`,
  });
  /** Bitbucket calls the app made on a repository's hooks, as "METHOD uuid-or-list". */
  const hookCalls = (repo: string, since: number) =>
    stack.bitbucket.requests
      .slice(since)
      .map((r) => ({ ...r, path: decodeURIComponent(r.path) }))
      .filter((r) => r.path.includes(`/${stack.repoUuid(repo)}/hooks`))
      .map((r) => `${r.method} ${r.path.split("/hooks")[1].slice(1) || "list"}`);

  test("legacy and malformed ARM hooks are migrated in place (PUT, same uuid) and unrelated hooks are untouched", async () => {
    const repo = stack.addRepo("legacy");
    const oldPush = stack.bitbucket.addHook(repo, { url: legacy().push, events: ["repo:push"], description: "ARM build" });
    const oldAlm = stack.bitbucket.addHook(repo, { url: legacy().malformedAlm, events: ["repo:push"], description: "ARM ALM" });
    const jenkins = stack.bitbucket.addHook(repo, { url: JENKINS, events: ["repo:push", "pullrequest:created"], secret: "jenkins-secret-1" });
    const page = await stack.settings(repo);

    const before = await page.call("GET", "/api/connection");
    expect(before).toMatchObject({ status: 200, body: { connection: null, hooks: [] } });

    const since = stack.bitbucket.requests.length;
    const res = await page.call("PUT", "/api/connection", connectBody(stack));
    expect(res.status).toBe(200);
    const calls = hookCalls(repo, since);
    expect(calls.filter((c) => !c.startsWith("GET")).sort()).toEqual([`PUT ${oldAlm.uuid}`, `PUT ${oldPush.uuid}`].sort());
    expect(calls).toContain("GET list");
    const urls = armUrls(stack);
    expect(stack.bitbucket.hooks(repo)).toEqual([
      expect.objectContaining({ uuid: oldPush.uuid, url: urls.enterprisePush, secret: ARM_TOKEN, description: HOOK_DESCRIPTIONS.push }),
      expect.objectContaining({ uuid: oldAlm.uuid, url: urls.enterpriseAlm, secret: ARM_TOKEN, events: ["repo:push"] }),
      jenkins,
    ]);
    expect(res.body.hooks.map((h: { state: string; hookUuid: string }) => [h.state, h.hookUuid])).toEqual([
      ["connected", oldPush.uuid],
      ["connected", oldAlm.uuid],
    ]);
  });

  test("several outdated push hooks: one is migrated in place, the others are removed, none is created", async () => {
    const repo = stack.addRepo("legacy-many");
    const perOrg = stack.bitbucket.addHook(repo, { url: legacy().perOrg, events: ["repo:push"] });
    const malformed = stack.bitbucket.addHook(repo, { url: legacy().malformedPush, events: ["repo:push", "pullrequest:created"] });
    const page = await stack.settings(repo);
    const res = await page.call("PUT", "/api/connection", connectBody(stack, { edition: "standard", triggers: { push: true, pullRequests: true, almSync: false } }));
    expect(res.status).toBe(200);
    const hooks = stack.bitbucket.hooks(repo);
    expect(hooks).toHaveLength(1);
    expect([perOrg.uuid, malformed.uuid]).toContain(hooks[0].uuid);
    expect(hooks[0]).toMatchObject({ url: armUrls(stack).standardPush, secret: ARM_TOKEN });
    const seen = stack.arm.deliveries.length;
    await stack.bitbucket.push(repo, { branch: "main", commits: [{ message: "one delivery, not three" }] });
    expect(stack.arm.deliveries.slice(seen).map((d) => [d.legacy, d.signatureValid, d.accepted])).toEqual([[false, true, true]]);
  });

  test("a legacy hook on the second page of a long hook list is found and migrated, not duplicated", async () => {
    const repo = stack.addRepo("many-hooks");
    for (let i = 0; i < 105; i++) stack.bitbucket.addHook(repo, { url: `https://ci.example.com/job-${i}/`, events: ["repo:push"] });
    const old = stack.bitbucket.addHook(repo, { url: legacy().push, events: ["repo:push"] });
    const page = await stack.settings(repo);
    const res = await page.call("PUT", "/api/connection", connectBody(stack, { triggers: { push: true, pullRequests: true, almSync: false } }));
    expect(res.status).toBe(200);
    const hooks = stack.bitbucket.hooks(repo);
    expect(hooks).toHaveLength(106);
    expect(hooks[105]).toMatchObject({ uuid: old.uuid, url: armUrls(stack).enterprisePush, secret: ARM_TOKEN });
    expect(hooks.slice(0, 105).every((h, i) => h.url === `https://ci.example.com/job-${i}/` && h.secret === null)).toBe(true);
  });

  test("a hand-made hook with the exact URL is adopted (same uuid) and given the token as secret", async () => {
    const repo = stack.addRepo("hand-made");
    const byHand = stack.bitbucket.addHook(repo, { url: armUrls(stack).enterprisePush, events: ["repo:push"], description: "mine" });
    const page = await stack.settings(repo);
    const res = await page.call("PUT", "/api/connection", connectBody(stack));
    expect(res.status).toBe(200);
    const hooks = stack.bitbucket.hooks(repo);
    expect(hooks).toHaveLength(2);
    expect(hooks[0]).toMatchObject({ uuid: byHand.uuid, secret: ARM_TOKEN, events: ["pullrequest:created", "pullrequest:updated", "repo:push"] });
    expect(res.body.hooks[0]).toMatchObject({ state: "connected", hookUuid: byHand.uuid });
  });

  test("changes behind the app's back show as legacy, drifted and missing; reconnect repairs them", async () => {
    const repo = stack.addRepo("behind-the-back");
    const page = await stack.settings(repo);
    expect((await page.call("PUT", "/api/connection", connectBody(stack))).status).toBe(200);
    const urls = armUrls(stack);
    const push = stack.bitbucket.hooks(repo).find((h) => h.url === urls.enterprisePush)!;
    const alm = stack.bitbucket.hooks(repo).find((h) => h.url === urls.enterpriseAlm)!;
    const hand = stack.byHand(repo);
    const states = async () => {
      const res = await page.call("GET", "/api/connection");
      expect(res.status).toBe(200);
      return res.body.hooks.map((h: { endpoint: string; state: string }) => `${h.endpoint}:${h.state}`);
    };

    await hand.update(push.uuid, { url: legacy().push, description: push.description, events: push.events, active: true });
    expect(await states()).toEqual(["push:legacy", "alm-sync:connected"]);
    await hand.update(alm.uuid, { url: alm.url, description: alm.description, events: ["repo:push", "repo:fork"], active: false });
    const drifted = (await page.call("GET", "/api/connection")).body.hooks[1];
    expect(drifted).toMatchObject({ state: "drifted", hookUuid: alm.uuid });
    expect(drifted.detail).toMatch(/disabled/);
    expect(drifted.detail).not.toContain(ARM_TOKEN);

    const fixed = await page.call("POST", "/api/connection/reconnect");
    expect(fixed.status).toBe(200);
    expect(fixed.body.hooks.map((h: { state: string; hookUuid: string }) => [h.state, h.hookUuid])).toEqual([
      ["connected", push.uuid],
      ["connected", alm.uuid],
    ]);
    expect(stack.bitbucket.hooks(repo).find((h) => h.uuid === alm.uuid)).toMatchObject({ events: ["repo:push"], active: true });

    await hand.remove(push.uuid);
    expect(await states()).toEqual(["push:missing", "alm-sync:connected"]);
    const recreated = await page.call("POST", "/api/connection/reconnect");
    expect(recreated.body.hooks.map((h: { state: string }) => h.state)).toEqual(["connected", "connected"]);
    const hooks = stack.bitbucket.hooks(repo);
    expect(hooks.map((h) => h.url).sort()).toEqual([urls.enterpriseAlm, urls.enterprisePush]);
    expect(hooks.find((h) => h.url === urls.enterprisePush)).toMatchObject({ secret: ARM_TOKEN, active: true });
    expect(hooks.find((h) => h.url === urls.enterprisePush)!.uuid).not.toBe(push.uuid);
  });

  test("no API answer and no log line ever carried the token or a shared secret", () => {
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
