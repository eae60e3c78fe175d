import { classifyArmUrl } from "../../../src/arm/classify-arm-url";
import type { ArmHostPolicy, ArmUrlClass } from "../../../src/arm/types";

const STRICT: ArmHostPolicy = { allowedHosts: ["*.autorabit.com"], allowHttpLoopback: false };
const DEV: ArmHostPolicy = { allowedHosts: ["*.autorabit.com"], allowHttpLoopback: true };
const INSTANCES = ["https://login.autorabit.com", "https://na25.autorabit.com", "https://pilot.autorabit.com"];

function reasonOf(c: ArmUrlClass): string {
  if (c.kind !== "malformed") throw new Error(`expected malformed, got ${JSON.stringify(c)}`);
  return c.reason;
}

describe.each(INSTANCES)("on %s", (instance) => {
  it.each([
    ["/api/webhook/v2/autorabit.com/trigger-scm-push-request", "standard", "push"],
    ["/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request", "enterprise", "push"],
    ["/api/webhook/v2/autorabit.com/enterprise/sync-alm-commits", "enterprise", "alm-sync"],
  ])("classifies current %s", (path, edition, endpoint) => {
    expect(classifyArmUrl(instance + path, STRICT)).toEqual({ kind: "current", instance, org: "autorabit.com", edition, endpoint });
  });

  it.each([
    ["/autorabitrest/webhook/triggerSCMPushrequest", { form: "autorabitrest" }],
    ["/AutoRabitRest/Webhook/TRIGGERSCMPUSHREQUEST", { form: "autorabitrest" }],
    ["/autorabitrest/webhook/triggerscmpushrequest", { form: "autorabitrest" }],
    ["/autorabitrest/webhook/autorabit.com/triggerSCMPushrequest", { form: "autorabitrest-org", org: "autorabit.com" }],
    ["/autorabitrest/webhook/My_Org-1/triggerSCMPushrequest", { form: "autorabitrest-org", org: "My_Org-1" }],
    ["/autorabitrest/webhook/%3COrgName%3E/triggerSCMPushrequest", { form: "autorabitrest-org" }], // org unknown
    ["/api/webhook/triggerSCMPushrequest", { form: "api-interim" }],
    ["/API/Webhook/triggerSCMPushRequest", { form: "api-interim" }],
  ])("classifies legacy %s", (path, expected) => {
    expect(classifyArmUrl(instance + path, STRICT)).toEqual({ kind: "legacy", instance, endpoint: "push", ...expected });
  });
});

describe("malformed ARM URLs", () => {
  const NA25 = "https://na25.autorabit.com";
  it.each([
    // The docs' <orgname> swallowed by the renderer.
    ["/api/webhook/v2//enterprise/trigger-scm-push-request", "push", /organization name is missing between \/v2\/ and the endpoint/],
    ["/api/webhook/v2//enterprise/sync-alm-commits", "alm-sync", /organization name is missing/],
    ["/api/webhook/v2//trigger-scm-push-request", "push", /organization name is missing/],
    // Placeholders left in.
    ["/api/webhook/v2/%3COrgName%3E/trigger-scm-push-request", "push", /"<OrgName>" is a placeholder; replace it/],
    ["/api/webhook/v2/<orgname>/enterprise/sync-alm-commits", "alm-sync", /"<orgname>" is a placeholder/],
    ["/api/webhook/v2/%7Borg%7D/enterprise/trigger-scm-push-request", "push", /placeholder/],
    // Other bad orgs.
    ["/api/webhook/v2/enterprise/trigger-scm-push-request", "push", /"enterprise" is an ARM edition, not an organization name/],
    ["/api/webhook/v2/a%2Fb/trigger-scm-push-request", "push", /cannot contain "\/"/],
    ["/api/webhook/v2/my%20org/trigger-scm-push-request", "push", /cannot contain spaces/],
    ["/api/webhook/v2/%20autorabit.com/trigger-scm-push-request", "push", /spaces around it/],
    ["/api/webhook/v2/%E0%A4%A/trigger-scm-push-request", "push", /not valid percent-encoding/],
    // Double slashes elsewhere.
    ["//api/webhook/v2/o/trigger-scm-push-request", "push", /empty path segment \("\/\/"\)/],
    ["/api//webhook/v2/o/trigger-scm-push-request", "push", /empty path segment/],
    ["/api/webhook/v2/o//trigger-scm-push-request", "push", /empty path segment/],
    ["/api/webhook/v2/o/enterprise//sync-alm-commits", "alm-sync", /empty path segment/],
    ["/autorabitrest//webhook/triggerSCMPushrequest", "push", /empty path segment/],
    // Trailing slash: ARM documents none, so it is repaired rather than trusted.
    ["/api/webhook/v2/o/trigger-scm-push-request/", "push", /ends with "\/"/],
    ["/api/webhook/v2/o/enterprise/sync-alm-commits/", "alm-sync", /ends with "\/"/],
    ["/autorabitrest/webhook/triggerSCMPushrequest/", "push", /ends with "\/"/],
    // Trailing junk.
    ["/api/webhook/v2/o/trigger-scm-push-request)", "push", /extra text after the endpoint name/],
    ["/api/webhook/v2/o/trigger-scm-push-request.", "push", /extra text after the endpoint name/],
    ["/api/webhook/v2/o/enterprise/sync-alm-commits/extra", "alm-sync", /extra text after the endpoint name/],
    ["/api/webhook/v2/o/trigger-scm-push-request?token=abc", "push", /query string or fragment/],
    ["/api/webhook/v2/o/trigger-scm-push-request?", "push", /query string or fragment/],
    ["/api/webhook/v2/o/trigger-scm-push-request#top", "push", /query string or fragment/],
    // Wrong endpoints and shapes.
    ["/api/webhook/v2/o/sync-alm-commits", "alm-sync", /ALM commit sync exists only in the enterprise form/],
    ["/api/webhook/v2/o/standard/trigger-scm-push-request", "push", /not an ARM webhook endpoint/],
    ["/api/webhook/v2/o/enterprise/trigger-scm-pull-request", undefined, /not an ARM webhook endpoint; ARM.s endpoints are/],
    ["/api/webhook/v2/o/build", undefined, /not an ARM webhook endpoint/],
    ["/api/webhook/v2/o", undefined, /endpoint is missing after the organization name/],
    ["/api/webhook/v2/", undefined, /organization name and the endpoint are missing/],
    ["/api/webhook/v2", undefined, /organization name and the endpoint are missing/],
    ["/api/webhook/v3/o/trigger-scm-push-request", "push", /does not follow any ARM webhook form/],
    ["/api/webhooks/o/trigger-scm-push-request", "push", /does not follow any ARM webhook form/],
    ["/webhook/v2/o/trigger-scm-push-request", "push", /does not follow any ARM webhook form/],
    ["/autorabitrest/webhook/a/b/triggerSCMPushrequest", "push", /does not follow any ARM webhook form/],
    ["/autorabitrest/webhook/trigger-scm-push-request", "push", /does not follow any ARM webhook form/],
    ["/api/webhook/v2/o/triggerSCMPushrequest", "push", /not an ARM webhook endpoint/],
    // Current forms are case-sensitive.
    ["/API/webhook/v2/o/trigger-scm-push-request", "push", /letter case/],
    ["/api/webhook/V2/o/Enterprise/Sync-Alm-Commits", "alm-sync", /letter case/],
  ])("%s", (path, endpoint, reason) => {
    const c = classifyArmUrl(NA25 + path, STRICT);
    expect(reasonOf(c)).toMatch(reason);
    expect(c).toMatchObject({ instance: NA25 });
    expect((c as { endpoint?: string }).endpoint).toBe(endpoint);
  });

  it.each([
    ["https://autorabit.co/api/webhook/v2/o/trigger-scm-push-request", "push", /autorabit\.co is not an allowed ARM host/],
    ["https://login.autorabit.com.evil.com/api/webhook/v2/o/enterprise/sync-alm-commits", "alm-sync", /login\.autorabit\.com\.evil\.com is not an allowed ARM host/],
    ["https://evil-autorabit.com/autorabitrest/webhook/triggerSCMPushrequest", "push", /not an allowed ARM host/],
    ["https://autorabit.com/api/webhook/v2/o/trigger-scm-push-request", "push", /not an allowed ARM host/],
    ["https://a.b.autorabit.com/api/webhook/v2/o/trigger-scm-push-request", "push", /not an allowed ARM host/],
    ["http://na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request", "push", /reached over https/],
    ["http://login.autorabit.com/autorabitrest/webhook/triggerSCMPushrequest", "push", /reached over https/],
    ["https://user:pw@na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request", "push", /user name and password/],
    ["https://10.1.2.3/api/webhook/v2/o/trigger-scm-push-request", "push", /non-public/],
    ["http://127.0.0.1:3000/api/webhook/v2/o/trigger-scm-push-request", "push", /loopback/],
  ])("rejects the origin of %s and gives no instance", (url, endpoint, reason) => {
    const c = classifyArmUrl(url, STRICT);
    expect(reasonOf(c)).toMatch(reason);
    expect(c).not.toHaveProperty("instance");
    expect((c as { endpoint?: string }).endpoint).toBe(endpoint);
  });

  it("never echoes a query string or password in the reason", () => {
    for (const url of [
      "https://na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request?token=s3cret",
      "https://admin:s3cret@na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request",
    ]) {
      expect(reasonOf(classifyArmUrl(url, STRICT))).not.toContain("s3cret");
    }
  });
});

describe("not ARM", () => {
  it.each([
    "",
    "not a url",
    "https://",
    "https://jenkins.example.com/bitbucket-hook/",
    "https://jenkins.example.com/bitbucket-scmsource-hook/notify",
    "https://ci.example.com/api/webhook/v2/o/build", // /api/webhook on a host that is not ARM's
    "https://hooks.slack.com/services/T000/B000/XXXX",
    "https://na25.autorabit.com/", // an ARM host, but not a webhook path
    "https://login.autorabit.com/login",
    "ftp://na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request",
    "mailto:trigger-scm-push-request@autorabit.com",
  ])("%j", (url) => {
    expect(classifyArmUrl(url, STRICT)).toEqual({ kind: "not-arm" });
  });
});

describe("the loopback switch", () => {
  const urls = [
    ["http://127.0.0.1:3000/api/webhook/v2/o/trigger-scm-push-request", "http://127.0.0.1:3000"],
    ["https://localhost:8443/api/webhook/v2/o/enterprise/trigger-scm-push-request", "https://localhost:8443"],
    ["http://[::1]:4000/api/webhook/v2/o/enterprise/sync-alm-commits", "http://[::1]:4000"],
    ["http://0x7f.1/api/webhook/v2/o/trigger-scm-push-request", "http://127.0.0.1"],
  ];

  it.each(urls)("on: %s is current", (url, instance) => {
    expect(classifyArmUrl(url, DEV)).toMatchObject({ kind: "current", instance, org: "o" });
  });

  it.each(urls)("off: %s is malformed (loopback)", (url) => {
    expect(reasonOf(classifyArmUrl(url, STRICT))).toMatch(/is a loopback address/);
  });

  it("on: /api/webhook on loopback counts as ARM's even without an endpoint word", () => {
    expect(reasonOf(classifyArmUrl("http://127.0.0.1:3000/api/webhook/v2/o/x", DEV))).toMatch(/not an ARM webhook endpoint/);
    expect(classifyArmUrl("http://127.0.0.1:3000/api/webhook/v2/o/x", STRICT)).toEqual({ kind: "not-arm" });
  });

  it("on: still refuses http on a real ARM host and private addresses", () => {
    expect(reasonOf(classifyArmUrl("http://na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request", DEV))).toMatch(/over https/);
    expect(reasonOf(classifyArmUrl("http://192.168.0.5/api/webhook/v2/o/trigger-scm-push-request", DEV))).toMatch(/non-public/);
  });
});

it("normalises the instance to its origin", () => {
  expect(classifyArmUrl("  HTTPS://NA25.AutoRabit.com:443/api/webhook/v2/Org.Com/trigger-scm-push-request ", STRICT)).toEqual({
    kind: "current",
    instance: "https://na25.autorabit.com",
    org: "Org.Com",
    edition: "standard",
    endpoint: "push",
  });
  expect(classifyArmUrl("https://na25.autorabit.com:8443/api/webhook/v2/o/trigger-scm-push-request", STRICT)).toMatchObject({
    kind: "current",
    instance: "https://na25.autorabit.com:8443",
  });
});
