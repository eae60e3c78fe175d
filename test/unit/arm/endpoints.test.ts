import { ARM_DEFAULT_INSTANCE, buildArmUrl, endpointsFor } from "../../../src/arm/endpoints";
import type { ArmTarget, Edition, EndpointKind } from "../../../src/arm/types";

const INSTANCES = ["https://login.autorabit.com", "https://na25.autorabit.com", "https://pilot.autorabit.com"];

describe("endpointsFor", () => {
  it("lists push and alm-sync for enterprise, push only for standard", () => {
    expect(endpointsFor("enterprise")).toEqual(["push", "alm-sync"]);
    expect(endpointsFor("standard")).toEqual(["push"]);
  });
});

describe("buildArmUrl", () => {
  it("defaults to the shared login instance", () => {
    expect(ARM_DEFAULT_INSTANCE).toBe("https://login.autorabit.com");
  });

  const forms: [Edition, EndpointKind, string][] = [
    ["standard", "push", "/api/webhook/v2/autorabit.com/trigger-scm-push-request"],
    ["enterprise", "push", "/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request"],
    ["enterprise", "alm-sync", "/api/webhook/v2/autorabit.com/enterprise/sync-alm-commits"],
  ];
  describe.each(INSTANCES)("on %s", (instance) => {
    it.each(forms)("builds the %s %s URL", (edition, endpoint, path) => {
      expect(buildArmUrl({ instance, org: "autorabit.com", edition }, endpoint)).toBe(instance + path);
    });
  });

  it("strips one trailing slash from the instance", () => {
    const target: ArmTarget = { instance: "https://na25.autorabit.com/", org: "o", edition: "standard" };
    expect(buildArmUrl(target, "push")).toBe("https://na25.autorabit.com/api/webhook/v2/o/trigger-scm-push-request");
  });

  it.each([
    ["autorabit.com", "autorabit.com"],
    ["my_org-1", "my_org-1"],
    ["a/b", "a%2Fb"],
    ["<OrgName>", "%3COrgName%3E"],
    ["two words", "two%20words"],
    ["a?b#c", "a%3Fb%23c"],
  ])("encodes the org %j as one path segment", (org, segment) => {
    expect(buildArmUrl({ instance: ARM_DEFAULT_INSTANCE, org, edition: "standard" }, "push")).toBe(
      `${ARM_DEFAULT_INSTANCE}/api/webhook/v2/${segment}/trigger-scm-push-request`,
    );
  });

  it("refuses alm-sync on the standard edition with a sentence", () => {
    expect(() => buildArmUrl({ instance: ARM_DEFAULT_INSTANCE, org: "o", edition: "standard" }, "alm-sync")).toThrow(
      /standard edition .* no alm-sync webhook endpoint/,
    );
  });

  it.each(["", "   "])("refuses an empty org %j", (org) => {
    expect(() => buildArmUrl({ instance: ARM_DEFAULT_INSTANCE, org, edition: "enterprise" }, "push")).toThrow(
      /organization name is empty/,
    );
  });
});
