import { HOOK_DESCRIPTIONS, MAX_SECRET_LENGTH, desiredHooks } from "../../../src/hooks/desired-hooks";
import { FP, TOKEN, URLS, settings } from "./fixtures";

describe("desiredHooks", () => {
  it("enterprise with every trigger: a push hook with push and pull request events, and an alm-sync hook", () => {
    const hooks = desiredHooks(settings(), TOKEN, FP);
    expect(hooks).toEqual([
      {
        endpoint: "push",
        url: URLS.entPush,
        events: ["pullrequest:created", "pullrequest:updated", "repo:push"],
        description: HOOK_DESCRIPTIONS.push,
        active: true,
        secret: TOKEN,
        secretFingerprint: FP,
      },
      {
        endpoint: "alm-sync",
        url: URLS.entAlm,
        events: ["repo:push"],
        description: HOOK_DESCRIPTIONS["alm-sync"],
        active: true,
        secret: TOKEN,
        secretFingerprint: FP,
      },
    ]);
  });

  it("push only", () => {
    const [push, ...rest] = desiredHooks(settings({}, { pullRequests: false, almSync: false }), TOKEN, FP);
    expect(push.events).toEqual(["repo:push"]);
    expect(rest).toEqual([]);
  });

  it("pull requests only still needs the push endpoint, without repo:push", () => {
    const hooks = desiredHooks(settings({}, { push: false, almSync: false }), TOKEN, FP);
    expect(hooks.map((h) => [h.endpoint, h.events])).toEqual([["push", ["pullrequest:created", "pullrequest:updated"]]]);
  });

  it("alm-sync only: no push hook", () => {
    const hooks = desiredHooks(settings({}, { push: false, pullRequests: false }), TOKEN, FP);
    expect(hooks.map((h) => [h.endpoint, h.url])).toEqual([["alm-sync", URLS.entAlm]]);
  });

  it("standard edition has no alm-sync endpoint, whatever the trigger says", () => {
    const hooks = desiredHooks(settings({ edition: "standard" }), TOKEN, FP);
    expect(hooks.map((h) => [h.endpoint, h.url])).toEqual([["push", URLS.stdPush]]);
  });

  it("no trigger: no hook", () => {
    expect(desiredHooks(settings({}, { push: false, pullRequests: false, almSync: false }), TOKEN, FP)).toEqual([]);
  });

  it("encodes the org as one path segment", () => {
    const [push] = desiredHooks(settings({ org: "a/b c" }, { almSync: false }), TOKEN, FP);
    expect(push.url).toBe("https://login.autorabit.com/api/webhook/v2/a%2Fb%20c/enterprise/trigger-scm-push-request");
  });

  it("descriptions are short and say the hook is managed", () => {
    for (const d of Object.values(HOOK_DESCRIPTIONS)) {
      expect(d.length).toBeLessThanOrEqual(64);
      expect(d).toMatch(/managed, do not edit/);
    }
  });

  it("refuses a token Bitbucket cannot store as a secret", () => {
    expect(() => desiredHooks(settings(), "", FP)).toThrow(RangeError);
    expect(() => desiredHooks(settings(), "x".repeat(MAX_SECRET_LENGTH + 1), FP)).toThrow(/1 to 128 characters/);
    expect(desiredHooks(settings(), "x".repeat(MAX_SECRET_LENGTH), FP)).toHaveLength(2);
  });
});
