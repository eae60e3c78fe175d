import { BitbucketApiError } from "../../../src/bitbucket/errors";
import { desiredHooks } from "../../../src/hooks/desired-hooks";
import { disconnect, reconcile, reconcilePartial } from "../../../src/hooks/reconcile";
import type { ManagedHookRecord } from "../../../src/hooks/types";
import { FakeHooksApi } from "./fake-hooks-api";
import { FP, TOKEN, URLS, hook, policy, settings } from "./fixtures";

const ent = desiredHooks(settings(), TOKEN, FP);

const ambiguous = () =>
  new BitbucketApiError("Bitbucket did not answer in time", { code: "timeout", retryable: true, ambiguous: true });
const forbidden = () => new BitbucketApiError("Bitbucket refused permission (HTTP 403).", { status: 403, code: "forbidden", retryable: false });

function input(managed: ManagedHookRecord[] = [], desired = ent) {
  return { desired, managed, policy };
}

describe("reconcile", () => {
  it("creates the hooks, remembers them, and a second run only keeps", async () => {
    const api = new FakeHooksApi();
    const first = await reconcile(api, input());
    expect(first.applied.map((s) => s.op)).toEqual(["create", "create"]);
    expect(first.managed).toEqual([
      { endpoint: "push", hookUuid: "{fake-1}", url: URLS.entPush, secretFingerprint: FP },
      { endpoint: "alm-sync", hookUuid: "{fake-2}", url: URLS.entAlm, secretFingerprint: FP },
    ]);
    expect(api.secretOf("{fake-1}")).toBe(TOKEN);

    const second = await reconcile(api, input(first.managed));
    expect(second.plan.steps.map((s) => s.op)).toEqual(["keep", "keep"]);
    expect(second.managed).toEqual(first.managed);
    expect(api.calls.filter((c) => c !== "list")).toEqual(["create", "create"]);
  });

  it("migrates a legacy hook in place and sets the secret on it", async () => {
    const api = new FakeHooksApi();
    const legacy = hook(URLS.legacy);
    api.seed(legacy);
    api.seed(hook(URLS.jenkins), "jenkins-secret");
    const result = await reconcile(api, input([], [ent[0]]));
    expect(api.calls).toEqual(["list", `update ${legacy.uuid}`]);
    expect(api.hooks.get(legacy.uuid)).toMatchObject({ url: URLS.entPush, secret: TOKEN, active: true });
    expect(result.managed).toEqual([{ endpoint: "push", hookUuid: legacy.uuid, url: URLS.entPush, secretFingerprint: FP }]);
    expect((await reconcile(api, input(result.managed, [ent[0]]))).plan.steps.map((s) => s.op)).toEqual(["keep"]);
  });

  it("a replaced token is sent to Bitbucket and remembered", async () => {
    const api = new FakeHooksApi();
    const { managed } = await reconcile(api, input());
    const next = desiredHooks(settings(), "arm-token-2", "fp-2");
    const result = await reconcile(api, { desired: next, managed, policy });
    expect(result.applied.map((s) => s.op)).toEqual(["update", "update"]);
    expect(api.secretOf("{fake-1}")).toBe("arm-token-2");
    expect(result.managed.map((r) => r.secretFingerprint)).toEqual(["fp-2", "fp-2"]);
  });

  it("an ambiguous create that did happen is found by re-listing and adopted, not created twice", async () => {
    const api = new FakeHooksApi();
    api.failNext("create", ambiguous(), true);
    const result = await reconcile(api, input([], [ent[0]]));
    expect(api.calls).toEqual(["list", "create", "list", "update {fake-1}"]);
    expect(api.hooks.size).toBe(1);
    expect(result.managed).toEqual([{ endpoint: "push", hookUuid: "{fake-1}", url: URLS.entPush, secretFingerprint: FP }]);
    expect(result.applied.map((s) => s.op)).toEqual(["update"]);
  });

  it("an ambiguous create that did not happen is created on the next round", async () => {
    const api = new FakeHooksApi();
    api.failNext("create", ambiguous());
    const result = await reconcile(api, input([], [ent[0]]));
    expect(api.calls).toEqual(["list", "create", "list", "create"]);
    expect(result.managed).toHaveLength(1);
  });

  it("gives up after maxRounds ambiguous rounds, returning what it did", async () => {
    const api = new FakeHooksApi();
    api.failNext("create", ambiguous());
    api.failNext("create", ambiguous());
    const err = await reconcile(api, input([], [ent[0]]), { maxRounds: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(BitbucketApiError);
    expect(err.ambiguous).toBe(true);
    expect(reconcilePartial(err)).toEqual({ managed: [], applied: [] });
    expect(api.calls).toEqual(["list", "create", "list", "create"]);
  });

  it("stops on a non-ambiguous error, with the hooks already made attached to the error", async () => {
    const api = new FakeHooksApi();
    const stale = hook(URLS.entAlm);
    api.seed(stale);
    api.failNext("create", forbidden());
    const err = await reconcile(api, input([{ endpoint: "alm-sync", hookUuid: stale.uuid, url: URLS.entAlm, secretFingerprint: "old" }])).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(BitbucketApiError);
    expect(err.message).toBe("Bitbucket refused permission (HTTP 403).");
    // Updates run before creates: the alm-sync hook was fixed and must not be forgotten.
    expect(err.partial).toEqual({
      managed: [{ endpoint: "alm-sync", hookUuid: stale.uuid, url: URLS.entAlm, secretFingerprint: FP }],
      applied: [expect.objectContaining({ op: "update", hookUuid: stale.uuid })],
    });
    expect(api.calls).toEqual(["list", `update ${stale.uuid}`, "create"]);
  });

  it("a failed update keeps the old record, so the next run still sees the drift", async () => {
    const api = new FakeHooksApi();
    const { managed } = await reconcile(api, input([], [ent[0]]));
    api.failNext("update", forbidden());
    const next = desiredHooks(settings(), "arm-token-2", "fp-2");
    const err = await reconcile(api, { desired: [next[0]], managed, policy }).catch((e) => e);
    expect(reconcilePartial(err)?.managed).toEqual(managed);
  });

  it("a failing list is reported with the records unchanged", async () => {
    const api = new FakeHooksApi();
    api.failNext("list", forbidden());
    const managed = [{ endpoint: "push" as const, hookUuid: "{x}", url: URLS.entPush, secretFingerprint: FP }];
    const err = await reconcile(api, input(managed)).catch((e) => e);
    expect(reconcilePartial(err)).toEqual({ managed, applied: [] });
  });

  it("forgets records of hooks deleted by hand and creates them again", async () => {
    const api = new FakeHooksApi();
    const { managed } = await reconcile(api, input([], [ent[0]]));
    api.hooks.clear();
    const result = await reconcile(api, input(managed, [ent[0]]));
    expect(result.managed).toEqual([{ endpoint: "push", hookUuid: "{fake-2}", url: URLS.entPush, secretFingerprint: FP }]);
  });
});

describe("disconnect", () => {
  it("deletes only the managed hooks and leaves no records", async () => {
    const api = new FakeHooksApi();
    const jenkins = hook(URLS.jenkins);
    api.seed(jenkins);
    const { managed } = await reconcile(api, input());
    const result = await disconnect(api, managed);
    expect(result.managed).toEqual([]);
    expect([...api.hooks.keys()]).toEqual([jenkins.uuid]);
    expect(result.applied.map((s) => s.op)).toEqual(["delete", "delete"]);
  });

  it("a failed delete leaves the records of hooks not yet deleted", async () => {
    const api = new FakeHooksApi();
    const { managed } = await reconcile(api, input());
    api.failNext("remove", forbidden());
    const err = await disconnect(api, managed).catch((e) => e);
    expect(reconcilePartial(err)).toEqual({ managed, applied: [] });
  });
});
