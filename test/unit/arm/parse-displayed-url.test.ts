import { parseDisplayedArmUrl } from "../../../src/arm/parse-displayed-url";
import type { ArmHostPolicy } from "../../../src/arm/types";

const STRICT: ArmHostPolicy = { allowedHosts: ["*.autorabit.com"], allowHttpLoopback: false };
const DEV: ArmHostPolicy = { allowedHosts: ["*.autorabit.com"], allowHttpLoopback: true };

function messageOf(url: string, policy = STRICT): string {
  const v = parseDisplayedArmUrl(url, policy);
  if (v.ok) throw new Error(`expected a rejection, got ${JSON.stringify(v.value)}`);
  expect(v.field).toBe("url");
  return v.message;
}

describe("parseDisplayedArmUrl", () => {
  it.each([
    ["https://login.autorabit.com/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request", "https://login.autorabit.com", "enterprise", "push"],
    ["https://login.autorabit.com/api/webhook/v2/autorabit.com/enterprise/sync-alm-commits", "https://login.autorabit.com", "enterprise", "alm-sync"],
    ["https://na25.autorabit.com/api/webhook/v2/autorabit.com/trigger-scm-push-request", "https://na25.autorabit.com", "standard", "push"],
    [" https://pilot.autorabit.com/api/webhook/v2/autorabit.com/trigger-scm-push-request\n", "https://pilot.autorabit.com", "standard", "push"],
  ])("reads %s", (url, instance, edition, endpoint) => {
    expect(parseDisplayedArmUrl(url, STRICT)).toEqual({
      ok: true,
      value: { target: { instance, org: "autorabit.com", edition }, endpoint },
    });
  });

  it("asks for a URL when empty", () => {
    expect(messageOf("  ")).toMatch(/Paste the webhook URL that ARM shows/);
  });

  it.each([
    ["https://na25.autorabit.com/autorabitrest/webhook/triggerSCMPushrequest", "<org>"],
    ["https://na25.autorabit.com/api/webhook/triggerSCMPushrequest", "<org>"],
    ["https://na25.autorabit.com/autorabitrest/webhook/autorabit.com/triggerSCMPushrequest", "autorabit.com"],
  ])("explains that %s is retired and shows the current form", (url, org) => {
    const message = messageOf(url);
    expect(message).toMatch(/retired in ARM release 25\.3\.9/);
    expect(message).toContain(`https://na25.autorabit.com/api/webhook/v2/${org}/trigger-scm-push-request (standard edition)`);
    expect(message).toContain(`https://na25.autorabit.com/api/webhook/v2/${org}/enterprise/trigger-scm-push-request (enterprise edition)`);
  });

  it.each([
    ["https://login.autorabit.com/api/webhook/v2//enterprise/trigger-scm-push-request", /organization name is missing/],
    ["https://na25.autorabit.com/api/webhook/v2/%3COrgName%3E/trigger-scm-push-request", /placeholder/],
    ["https://na25.autorabit.com/api/webhook/v2/o/sync-alm-commits", /only in the enterprise form/],
    ["https://autorabit.co/api/webhook/v2/o/trigger-scm-push-request", /not an allowed ARM host/],
    ["http://na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request", /over https/],
    ["https://na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request/", /ends with "\/"/],
  ])("gives the reason for malformed %s", (url, reason) => {
    expect(messageOf(url)).toMatch(reason);
  });

  it.each(["https://jenkins.example.com/bitbucket-hook/", "autorabit.com", "https://na25.autorabit.com"])(
    "says %j is not an ARM webhook URL and shows the expected shape",
    (url) => {
      expect(messageOf(url)).toMatch(/not an ARM webhook URL; it should look like https:\/\/login\.autorabit\.com\/api\/webhook\/v2\/<org>\//);
    },
  );

  it("honours the loopback switch", () => {
    const url = "http://127.0.0.1:3000/api/webhook/v2/o/enterprise/sync-alm-commits";
    expect(parseDisplayedArmUrl(url, DEV)).toEqual({
      ok: true,
      value: { target: { instance: "http://127.0.0.1:3000", org: "o", edition: "enterprise" }, endpoint: "alm-sync" },
    });
    expect(messageOf(url, STRICT)).toMatch(/loopback/);
  });
});
