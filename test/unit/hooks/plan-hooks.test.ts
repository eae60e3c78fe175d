import { desiredHooks } from "../../../src/hooks/desired-hooks";
import { planDisconnect, planHooks } from "../../../src/hooks/plan-hooks";
import type { DesiredHook, ManagedHookRecord, PlanStep, RemoteHook } from "../../../src/hooks/types";
import { FP, TOKEN, URLS, hook, policy, record, settings } from "./fixtures";

const ent = desiredHooks(settings(), TOKEN, FP);
const [entPush, entAlm] = ent;

/** A remote hook exactly as we would have left it, and our record of it. */
function inPlace(d: DesiredHook, fingerprint = FP): { h: RemoteHook; r: ManagedHookRecord } {
  const h = hook(d.url, { events: [...d.events].reverse(), description: d.description, secret_set: true });
  return { h, r: record(h, d.endpoint, fingerprint) };
}

function plan(desired: DesiredHook[], remote: RemoteHook[], managed: ManagedHookRecord[] = []): PlanStep[] {
  return planHooks({ desired, remote, managed, policy }).steps;
}

const ops = (steps: PlanStep[]) => steps.map((s) => `${s.op}:${s.endpoint}`);
const touched = (steps: PlanStep[]) => steps.filter((s) => s.op !== "create").map((s) => (s as { hookUuid: string }).hookUuid);

describe("planHooks", () => {
  it("fresh repository: creates each wanted hook with the secret", () => {
    const steps = plan(ent, []);
    expect(steps).toEqual([
      {
        op: "create",
        endpoint: "push",
        body: { url: URLS.entPush, description: entPush.description, events: entPush.events, active: true, secret: TOKEN },
        secretFingerprint: FP,
      },
      {
        op: "create",
        endpoint: "alm-sync",
        body: { url: URLS.entAlm, description: entAlm.description, events: ["repo:push"], active: true, secret: TOKEN },
        secretFingerprint: FP,
      },
    ]);
  });

  it("connected twice: only keeps, whatever order Bitbucket lists events in", () => {
    const a = inPlace(entPush);
    const b = inPlace(entAlm);
    expect(plan(ent, [a.h, b.h], [a.r, b.r])).toEqual([
      { op: "keep", endpoint: "push", hookUuid: a.h.uuid, secretFingerprint: FP },
      { op: "keep", endpoint: "alm-sync", hookUuid: b.h.uuid, secretFingerprint: FP },
    ]);
  });

  it("migrates a legacy hook in place (PUT), setting the secret, instead of creating a second one", () => {
    const legacy = hook(URLS.legacy, { description: "ARM", events: ["repo:push"] });
    const steps = plan([entPush], [legacy]);
    expect(steps).toEqual([
      {
        op: "update",
        endpoint: "push",
        hookUuid: legacy.uuid,
        body: { url: URLS.entPush, description: entPush.description, events: entPush.events, active: true, secret: TOKEN },
        secretFingerprint: FP,
        reasons: ["legacy", "events", "secret", "description", "adopt"],
      },
    ]);
  });

  it("migrates malformed ARM hooks of each endpoint (the empty-org copy-paste)", () => {
    const push = hook(URLS.malformedPush);
    const alm = hook(URLS.malformedAlm);
    const steps = plan(ent, [alm, push]);
    expect(steps.map((s) => [s.op, s.endpoint, (s as { hookUuid?: string }).hookUuid, (s as { reasons?: string[] }).reasons?.[0]])).toEqual([
      ["update", "push", push.uuid, "malformed"],
      ["update", "alm-sync", alm.uuid, "malformed"],
    ]);
  });

  it("adopts a hand-made hook with exactly the desired URL: always sets the secret, since none can be compared", () => {
    const handMade = hook(URLS.entPush, { events: entPush.events, description: entPush.description, secret_set: true });
    const [step] = plan([entPush], [handMade]);
    expect(step).toMatchObject({ op: "update", hookUuid: handMade.uuid, reasons: ["secret", "adopt"], body: { secret: TOKEN } });
  });

  it("keeps one hook per endpoint and deletes the duplicates first", () => {
    const ours = inPlace(entPush);
    const handCopy = hook(URLS.entPush);
    const legacy = hook(URLS.legacy);
    const malformed = hook(URLS.malformedPush);
    const steps = plan([entPush], [handCopy, legacy, ours.h, malformed], [ours.r]);
    expect(steps).toEqual([
      { op: "delete", endpoint: "push", hookUuid: handCopy.uuid, url: URLS.entPush, reason: "duplicate" },
      { op: "delete", endpoint: "push", hookUuid: legacy.uuid, url: URLS.legacy, reason: "duplicate" },
      { op: "delete", endpoint: "push", hookUuid: malformed.uuid, url: URLS.malformedPush, reason: "duplicate" },
      { op: "keep", endpoint: "push", hookUuid: ours.h.uuid, secretFingerprint: FP },
    ]);
  });

  it("two records for one endpoint: the first present one is kept, the other deleted", () => {
    const a = inPlace(entPush);
    const b = inPlace(entPush);
    const gone = record(hook(URLS.entPush), "push");
    expect(ops(plan([entPush], [a.h, b.h], [gone, b.r, a.r]))).toEqual(["delete:push", "keep:push"]);
    expect(touched(plan([entPush], [a.h, b.h], [gone, b.r, a.r]))).toEqual([a.h.uuid, b.h.uuid]);
  });

  it("a remembered hook wins over a hand-made exact copy, which becomes a duplicate", () => {
    const ours = inPlace(entPush);
    ours.h.url = URLS.otherOrgPush; // someone edited our hook
    const handMade = hook(URLS.entPush);
    const steps = plan([entPush], [handMade, ours.h], [ours.r]);
    expect(steps.map((s) => [s.op, (s as { hookUuid: string }).hookUuid])).toEqual([
      ["delete", handMade.uuid],
      ["update", ours.h.uuid],
    ]);
    expect(steps[1]).toMatchObject({ reasons: ["url"], body: { url: URLS.entPush } });
    expect((steps[1] as { body: object }).body).not.toHaveProperty("secret");
  });

  it("prefers a legacy hook on the same instance; one on another pod is a duplicate", () => {
    const otherPod = hook(URLS.legacyOtherPod);
    const samePod = hook(URLS.legacy);
    const steps = plan([entPush], [otherPod, samePod]);
    expect(steps.map((s) => [s.op, (s as { hookUuid: string }).hookUuid])).toEqual([
      ["delete", otherPod.uuid],
      ["update", samePod.uuid],
    ]);
  });

  it("edition switch enterprise to standard: migrates the push hook and deletes the alm-sync hook as not wanted", () => {
    const push = inPlace(entPush);
    const alm = inPlace(entAlm);
    const std = desiredHooks(settings({ edition: "standard" }), TOKEN, FP);
    const steps = plan(std, [push.h, alm.h], [push.r, alm.r]);
    expect(steps).toEqual([
      { op: "delete", endpoint: "alm-sync", hookUuid: alm.h.uuid, url: URLS.entAlm, reason: "not-wanted" },
      {
        op: "update",
        endpoint: "push",
        hookUuid: push.h.uuid,
        body: { url: URLS.stdPush, description: std[0].description, events: std[0].events, active: true },
        secretFingerprint: FP,
        reasons: ["url"],
      },
    ]);
  });

  it("migrates an unmanaged hook of the same org under the other edition", () => {
    const std = desiredHooks(settings({ edition: "standard" }), TOKEN, FP);
    const enterpriseHandMade = hook(URLS.entPush, { events: std[0].events, description: std[0].description });
    const [step] = plan(std, [enterpriseHandMade]);
    expect(step).toMatchObject({ op: "update", hookUuid: enterpriseHandMade.uuid, reasons: ["url", "secret", "adopt"] });
  });

  it("trigger changes update the events without resending the secret", () => {
    const push = inPlace(desiredHooks(settings({}, { pullRequests: false, almSync: false }), TOKEN, FP)[0]);
    const steps = plan([entPush], [push.h], [push.r]);
    expect(steps).toEqual([
      {
        op: "update",
        endpoint: "push",
        hookUuid: push.h.uuid,
        body: { url: URLS.entPush, description: entPush.description, events: entPush.events, active: true },
        secretFingerprint: FP,
        reasons: ["events"],
      },
    ]);
  });

  it("turning alm-sync off deletes our alm-sync hook", () => {
    const push = inPlace(entPush);
    const alm = inPlace(entAlm);
    const noAlm = desiredHooks(settings({}, { almSync: false }), TOKEN, FP);
    expect(ops(plan(noAlm, [push.h, alm.h], [push.r, alm.r]))).toEqual(["delete:alm-sync", "keep:push"]);
  });

  it("a replaced token updates the secret", () => {
    const push = inPlace(entPush, "old-fingerprint");
    const [step] = plan([entPush], [push.h], [push.r]);
    expect(step).toMatchObject({ op: "update", reasons: ["secret"], body: { secret: TOKEN }, secretFingerprint: FP });
  });

  it("a secret removed on Bitbucket (secret_set false) is set again", () => {
    const push = inPlace(entPush);
    push.h.secret_set = false;
    expect(plan([entPush], [push.h], [push.r])[0]).toMatchObject({ op: "update", reasons: ["secret"] });
  });

  it("a disabled hook or an edited description is put back", () => {
    const push = inPlace(entPush);
    push.h.active = false;
    push.h.description = "mine now";
    expect(plan([entPush], [push.h], [push.r])[0]).toMatchObject({ op: "update", reasons: ["inactive", "description"] });
  });

  it("a remembered hook deleted by hand is created again", () => {
    const gone = record(hook(URLS.entPush), "push");
    expect(ops(plan([entPush], [], [gone]))).toEqual(["create:push"]);
  });

  it("never touches foreign hooks: other services, other orgs or instances, or ARM-like paths on other hosts", () => {
    const foreign = [
      hook(URLS.jenkins),
      hook(URLS.otherOrgPush),
      hook(URLS.otherInstancePush),
      hook(URLS.proxyPush),
      hook("https://login.autorabit.com/api/webhook/v2/autorabit.com/"), // ARM-ish, endpoint unknown
    ];
    const steps = plan(ent, foreign);
    expect(ops(steps)).toEqual(["create:push", "create:alm-sync"]);
    // Even with nothing wanted at all.
    expect(plan([], foreign)).toEqual([]);
  });

  it("leaves unmanaged ARM hooks of endpoints that are not wanted", () => {
    const handMadeAlm = hook(URLS.entAlm);
    const noAlm = desiredHooks(settings({}, { almSync: false }), TOKEN, FP);
    expect(touched(plan(noAlm, [handMadeAlm]))).toEqual([]);
  });

  it("a hook is claimed by one endpoint only", () => {
    // A record says push, but the hook now carries the alm-sync URL: it stays the push hook; alm-sync gets its own.
    const odd = hook(URLS.entAlm, { events: entPush.events, description: entPush.description, secret_set: true });
    const steps = plan(ent, [odd], [record(odd, "push")]);
    expect(steps.map((s) => [s.op, s.endpoint, (s as { hookUuid?: string }).hookUuid])).toEqual([
      ["update", "push", odd.uuid],
      ["create", "alm-sync", undefined],
    ]);
  });
});

describe("planDisconnect", () => {
  it("deletes every managed hook still present, and nothing else", () => {
    const push = inPlace(entPush);
    const alm = inPlace(entAlm);
    const gone = record(hook(URLS.entPush), "push");
    const foreign = [hook(URLS.jenkins), hook(URLS.legacy), hook(URLS.entPush)];
    const { steps } = planDisconnect({ remote: [...foreign, alm.h, push.h], managed: [push.r, gone, alm.r, push.r] });
    expect(steps).toEqual([
      { op: "delete", endpoint: "push", hookUuid: push.h.uuid, url: URLS.entPush, reason: "disconnect" },
      { op: "delete", endpoint: "alm-sync", hookUuid: alm.h.uuid, url: URLS.entAlm, reason: "disconnect" },
    ]);
  });
});
