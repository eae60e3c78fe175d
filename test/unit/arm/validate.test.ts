import { validateInstance, validateOrg, validateTarget } from "../../../src/arm/validate";
import type { ArmHostPolicy, Validation } from "../../../src/arm/types";

const STRICT: ArmHostPolicy = { allowedHosts: ["*.autorabit.com"], allowHttpLoopback: false };
const DEV: ArmHostPolicy = { allowedHosts: ["*.autorabit.com"], allowHttpLoopback: true };

function messageOf<T>(v: Validation<T>, field: string): string {
  if (v.ok) throw new Error(`expected a rejection, got ${JSON.stringify(v.value)}`);
  expect(v.field).toBe(field);
  return v.message;
}

describe("validateOrg", () => {
  it.each([
    ["autorabit.com", "autorabit.com"],
    ["  autorabit.com\t", "autorabit.com"],
    ["my_org-1", "my_org-1"],
    ["ACME", "ACME"],
    ["a", "a"],
    ["...", "..."],
    ["x".repeat(128), "x".repeat(128)],
  ])("accepts %j as %j", (raw, value) => {
    expect(validateOrg(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ["", /Enter the ARM organization name/],
    ["   ", /Enter the ARM organization name/],
    ["<OrgName>", /"<OrgName>" is a placeholder; replace it with your real ARM organization name/],
    ["<orgname>", /placeholder/],
    ["%3COrgName%3E", /placeholder/],
    ["%3corgname%3e", /placeholder/],
    ["{org}", /placeholder/],
    ["OrgName", /placeholder/],
    ["your-org", /placeholder/],
    ["https://na25.autorabit.com/api/webhook/v2/x/trigger-scm-push-request", /only the organization name .*not a URL/],
    ["my org", /cannot contain spaces/],
    ["my\torg", /cannot contain spaces/],
    ["my\u00a0org", /cannot contain spaces/],
    ["my\u0000org", /invisible control character/],
    ["my\u200borg", /invisible control character/],
    [".", /"\." is not an organization name/],
    ["..", /"\.\." is not an organization name/],
    ["enterprise", /edition, not an organization name/],
    ["Standard", /edition, not an organization name/],
    ["a/b", /cannot contain "\/"; use only letters, digits, dots/],
    ["a\\b", /cannot contain "\\"/],
    ["a?b", /cannot contain "\?"/],
    ["a#b", /cannot contain "#"/],
    ["a%20b", /cannot contain "%"/],
    ["autorabit.com:443", /cannot contain ":"/],
    ["café", /cannot contain "é"/],
    ["x".repeat(129), /longer than 128 characters/],
  ])("rejects %j", (raw, message) => {
    expect(messageOf(validateOrg(raw), "org")).toMatch(message);
  });
});

describe("validateInstance", () => {
  it.each([
    ["https://login.autorabit.com", "https://login.autorabit.com"],
    ["https://login.autorabit.com/", "https://login.autorabit.com"],
    ["na25.autorabit.com", "https://na25.autorabit.com"],
    ["  pilot.autorabit.com  ", "https://pilot.autorabit.com"],
    ["HTTPS://NA25.AutoRabit.COM", "https://na25.autorabit.com"],
    ["https://na25.autorabit.com:443/", "https://na25.autorabit.com"],
    ["https://na25.autorabit.com:8443", "https://na25.autorabit.com:8443"],
    ["na25.autorabit.com:8443", "https://na25.autorabit.com:8443"],
    ["https:na25.autorabit.com", "https://na25.autorabit.com"],
  ])("accepts %j as %j", (raw, origin) => {
    expect(validateInstance(raw, STRICT)).toEqual({ ok: true, value: origin });
    expect(validateInstance(raw, DEV)).toEqual({ ok: true, value: origin });
  });

  it.each([
    ["", /Enter the ARM instance address, for example https:\/\//],
    ["https://", /not a web address/],
    ["https://na25 autorabit.com", /not a web address/],
    ["https://[::1", /not a web address/],
    ["ftp://na25.autorabit.com", /starts with https:\/\//],
    ["javascript:alert(1)", /starts with https:\/\//],
    ["http://na25.autorabit.com", /reached over https; use https:\/\/na25\.autorabit\.com/],
    ["https://user:secret@na25.autorabit.com", /Remove the user name and password/],
    ["https://user@na25.autorabit.com", /Remove the user name and password/],
    ["https://na25.autorabit.com/arm", /only the instance address, without a path, for example https:\/\/na25\.autorabit\.com/],
    ["https://na25.autorabit.com//", /without a path/],
    [
      "https://na25.autorabit.com/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request",
      /full webhook URL; paste only its instance part, https:\/\/na25\.autorabit\.com\./,
    ],
    ["https://na25.autorabit.com/autorabitrest/webhook/triggerSCMPushrequest", /full webhook URL/],
    ["https://na25.autorabit.com/?", /Remove the part from "\?" or "#"/],
    ["https://na25.autorabit.com/?token=abc", /Remove the part from "\?" or "#"/],
    ["https://na25.autorabit.com#x", /Remove the part from "\?" or "#"/],
    ["https://autorabit.com", /autorabit\.com is not an allowed ARM host \(allowed: \*\.autorabit\.com\)/],
    ["https://a.b.autorabit.com", /not an allowed ARM host/],
    ["https://evil-autorabit.com", /evil-autorabit\.com is not an allowed ARM host/],
    ["https://login.autorabit.com.evil.com", /not an allowed ARM host/],
    ["https://autorabit.co", /not an allowed ARM host/],
    ["https://na25.autorabit.com.", /not an allowed ARM host/],
    ["https://8.8.8.8", /8\.8\.8\.8 is not an allowed ARM host/],
    ["https://10.0.0.1", /10\.0\.0\.1 is a private, link-local or otherwise non-public address/],
    ["https://0xa000001", /10\.0\.0\.1 is a private/],
    ["https://169.254.169.254", /non-public/],
    ["https://192.168.1.10", /non-public/],
    ["https://[fe80::1]", /\[fe80::1\] is a private, link-local/],
    ["https://[fd00::1]", /non-public/],
    ["https://[::ffff:10.1.2.3]", /non-public/],
  ])("rejects %j", (raw, message) => {
    expect(messageOf(validateInstance(raw, STRICT), "instance")).toMatch(message);
  });

  describe("the loopback switch", () => {
    const loopbacks: [string, string][] = [
      ["http://127.0.0.1:3000", "http://127.0.0.1:3000"],
      ["http://127.0.0.1:3000/", "http://127.0.0.1:3000"],
      ["https://127.0.0.1", "https://127.0.0.1"],
      ["http://0x7f.1", "http://127.0.0.1"],
      ["http://2130706433:8080", "http://127.0.0.1:8080"],
      ["http://127.5.6.7", "http://127.5.6.7"],
      ["http://[::1]:4000", "http://[::1]:4000"],
      ["http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]"],
      ["http://localhost:3000", "http://localhost:3000"],
      ["localhost:3000", "https://localhost:3000"],
    ];

    it.each(loopbacks)("off: rejects %j as loopback", (raw) => {
      expect(messageOf(validateInstance(raw, STRICT), "instance")).toMatch(/is a loopback address, which is not an ARM instance/);
    });

    it.each(loopbacks)("on: accepts %j as %j", (raw, origin) => {
      expect(validateInstance(raw, DEV)).toEqual({ ok: true, value: origin });
    });

    it.each([
      ["http://na25.autorabit.com", /reached over https/],
      ["http://10.0.0.1", /non-public/],
      ["http://[fe80::1]", /non-public/],
      ["http://example.com", /not an allowed ARM host/],
      ["http://127.0.0.1/api", /without a path/],
      ["http://user:pw@127.0.0.1", /user name and password/],
    ])("on: still rejects %j", (raw, message) => {
      expect(messageOf(validateInstance(raw, DEV), "instance")).toMatch(message);
    });
  });

  it("lists every allowed pattern, and says so when none are configured", () => {
    const policy = { allowedHosts: ["login.autorabit.com", "*.example.org"], allowHttpLoopback: false };
    expect(messageOf(validateInstance("https://na25.autorabit.com", policy), "instance")).toMatch(
      /allowed: login\.autorabit\.com, \*\.example\.org/,
    );
    expect(validateInstance("https://arm.example.org", policy)).toEqual({ ok: true, value: "https://arm.example.org" });
    expect(messageOf(validateInstance("https://login.autorabit.com", { allowedHosts: [], allowHttpLoopback: false }), "instance")).toMatch(
      /none are configured/,
    );
  });

  it("never echoes a password", () => {
    expect(messageOf(validateInstance("https://admin:hunter2@na25.autorabit.com", STRICT), "instance")).not.toContain("hunter2");
  });
});

describe("validateTarget", () => {
  const good = { instance: "na25.autorabit.com", org: " autorabit.com ", edition: "enterprise" };

  it("returns the normalised target", () => {
    expect(validateTarget(good, STRICT)).toEqual({
      ok: true,
      value: { instance: "https://na25.autorabit.com", org: "autorabit.com", edition: "enterprise" },
    });
    expect(validateTarget({ ...good, edition: "standard" }, STRICT)).toMatchObject({ ok: true, value: { edition: "standard" } });
  });

  it.each([
    [{ ...good, instance: "https://evil.com" }, "instance", /not an allowed ARM host/],
    [{ ...good, org: "<OrgName>" }, "org", /placeholder/],
    [{ ...good, edition: "" }, "edition", /Choose the ARM edition: "enterprise" or "standard"/],
    [{ ...good, edition: "premium" }, "edition", /Choose the ARM edition/],
    [{ ...good, edition: "Enterprise" }, "edition", /Choose the ARM edition/],
  ])("rejects %j on field %s", (input, field, message) => {
    expect(messageOf(validateTarget(input, STRICT), field)).toMatch(message);
  });
});
