import { routeEvent, summarizeEvent } from "../../../src/relay/route-event";
import { settings, URLS } from "../hooks/fixtures";

describe("routeEvent", () => {
  test("Enterprise with everything on: a push goes to both endpoints, a pull request only to push", () => {
    expect(routeEvent(settings(), "repo:push")).toEqual([
      { endpoint: "push", url: URLS.entPush },
      { endpoint: "alm-sync", url: URLS.entAlm },
    ]);
    expect(routeEvent(settings(), "pullrequest:created")).toEqual([{ endpoint: "push", url: URLS.entPush }]);
    expect(routeEvent(settings(), "pullrequest:updated")).toEqual([{ endpoint: "push", url: URLS.entPush }]);
  });

  test("follows the triggers exactly as the direct hooks do", () => {
    expect(routeEvent(settings({}, { push: false }), "repo:push")).toEqual([{ endpoint: "alm-sync", url: URLS.entAlm }]);
    expect(routeEvent(settings({}, { pullRequests: false }), "pullrequest:created")).toEqual([]);
    expect(routeEvent(settings({ edition: "standard" }, { almSync: false }), "repo:push")).toEqual([{ endpoint: "push", url: URLS.stdPush }]);
  });

  test("events nobody subscribed to go nowhere", () => {
    expect(routeEvent(settings(), "pullrequest:fulfilled")).toEqual([]);
    expect(routeEvent(settings(), "repo:fork")).toEqual([]);
  });
});

describe("summarizeEvent", () => {
  const ref = (name: string, type = "branch") => ({ name, type, target: { hash: "abc" } });

  test("a push names its branches and tags, and deletions", () => {
    expect(summarizeEvent("repo:push", { push: { changes: [{ old: ref("main"), new: ref("main") }] } })).toBe("main");
    expect(summarizeEvent("repo:push", { push: { changes: [{ old: null, new: ref("v1.2", "tag") }] } })).toBe("tag v1.2");
    expect(summarizeEvent("repo:push", { push: { changes: [{ old: ref("old"), new: null }, { old: null, new: ref("dev") }] } })).toBe("old (deleted), dev");
  });

  test("a pull request names its number and branches", () => {
    const pullrequest = { id: 12, source: { branch: { name: "feature/x" } }, destination: { branch: { name: "main" } } };
    expect(summarizeEvent("pullrequest:updated", { pullrequest })).toBe("pull request #12 (feature/x → main)");
    expect(summarizeEvent("pullrequest:created", { pullrequest: { id: 3 } })).toBe("pull request #3");
  });

  test("nothing usable gives null, and long summaries are cut to the column", () => {
    expect(summarizeEvent("repo:push", { push: { changes: [] } })).toBeNull();
    expect(summarizeEvent("repo:push", {})).toBeNull();
    expect(summarizeEvent("repo:fork", { repository: {} })).toBeNull();
    const many = { push: { changes: Array.from({ length: 40 }, (_, i) => ({ new: ref(`feature/branch-number-${i}`) })) } };
    const s = summarizeEvent("repo:push", many)!;
    expect(s.length).toBe(255);
    expect(s.endsWith("…")).toBe(true);
  });
});
