import { desiredHooks } from "../../../src/hooks/desired-hooks";
import { hookStatuses } from "../../../src/hooks/hook-status";
import type { ManagedHookRecord, RemoteHook } from "../../../src/hooks/types";
import { FP, TOKEN, URLS, hook, policy, record, settings } from "./fixtures";

const ent = desiredHooks(settings(), TOKEN, FP);
const [entPush, entAlm] = ent;

function exact(d = entPush): { h: RemoteHook; r: ManagedHookRecord } {
  const h = hook(d.url, { events: d.events, description: d.description, secret_set: true });
  return { h, r: record(h, d.endpoint) };
}

const statuses = (remote: RemoteHook[], managed: ManagedHookRecord[] = [], desired = ent) =>
  hookStatuses({ desired, remote, managed, policy });

describe("hookStatuses", () => {
  it("missing when nothing serves the endpoint", () => {
    expect(statuses([hook(URLS.jenkins)])).toEqual([
      { endpoint: "push", url: URLS.entPush, state: "missing", events: [], detail: expect.stringMatching(/No webhook/) },
      { endpoint: "alm-sync", url: URLS.entAlm, state: "missing", events: [], detail: expect.stringMatching(/No webhook/) },
    ]);
  });

  it("connected when a managed hook matches exactly", () => {
    const push = exact(entPush);
    const alm = exact(entAlm);
    expect(statuses([push.h, alm.h], [push.r, alm.r])).toEqual([
      { endpoint: "push", url: URLS.entPush, state: "connected", hookUuid: push.h.uuid, events: entPush.events, detail: "The webhook matches these settings." },
      { endpoint: "alm-sync", url: URLS.entAlm, state: "connected", hookUuid: alm.h.uuid, events: ["repo:push"], detail: "The webhook matches these settings." },
    ]);
  });

  it("legacy when only a hook on a retired URL exists, without echoing that URL", () => {
    const legacy = hook(URLS.legacy);
    const [push] = statuses([legacy], [], [entPush]);
    expect(push).toMatchObject({ state: "legacy", hookUuid: legacy.uuid, events: ["repo:push"] });
    expect(push.detail).toMatch(/retired ARM address/);
    expect(push.detail).not.toContain("autorabitrest");
  });

  it("legacy for a malformed hook, quoting what is wrong with it", () => {
    const [push] = statuses([hook(URLS.malformedPush)], [], [entPush]);
    expect(push.state).toBe("legacy");
    expect(push.detail).toMatch(/broken ARM webhook.*organization name is missing/);
  });

  it("drifted when a hand-made exact hook is not managed yet", () => {
    const [push] = statuses([exact().h], [], [entPush]);
    expect(push.state).toBe("drifted");
    expect(push.detail).toBe("The webhook differs from these settings: it was added outside the connector, which does not manage it yet.");
  });

  it("drifted lists every difference in plain words", () => {
    const ours = exact();
    ours.h.events = ["repo:push"];
    ours.h.active = false;
    ours.r.secretFingerprint = "old";
    const [push] = statuses([ours.h], [ours.r], [entPush]);
    expect(push.state).toBe("drifted");
    expect(push.detail).toBe(
      "The webhook differs from these settings: it sends repo:push instead of pullrequest:created, pullrequest:updated and repo:push, " +
        "it is disabled and its secret is not the current ARM token.",
    );
  });

  it("drifted when our hook points elsewhere", () => {
    const ours = exact();
    ours.h.url = URLS.otherOrgPush;
    expect(statuses([ours.h], [ours.r], [entPush])[0].detail).toMatch(/points to a different ARM address/);
  });

  it("drifted, even when our hook matches, while duplicates would trigger ARM twice", () => {
    const ours = exact();
    const [push] = statuses([ours.h, hook(URLS.legacy), hook(URLS.entPush)], [ours.r], [entPush]);
    expect(push.state).toBe("drifted");
    expect(push.detail).toBe("The webhook matches these settings, but 2 other webhooks also call this ARM endpoint, so ARM would be triggered more than once.");
  });
});
