/** build -> classify -> parse gives back what was built, over many targets. */
import { buildArmUrl, classifyArmUrl, endpointsFor, parseDisplayedArmUrl, validateTarget } from "../../../src/arm";
import type { ArmHostPolicy, ArmTarget, Edition } from "../../../src/arm";

const DEV: ArmHostPolicy = { allowedHosts: ["*.autorabit.com", "arm.example.org"], allowHttpLoopback: true };

const INSTANCES = [
  "https://login.autorabit.com",
  "https://na25.autorabit.com",
  "https://na1.autorabit.com",
  "https://pilot.autorabit.com",
  "https://na25.autorabit.com:8443",
  "https://arm.example.org",
  "http://127.0.0.1:3000",
  "http://[::1]:4000",
  "http://localhost:5000",
];
const ORGS = ["autorabit.com", "my_org-1", "ACME", "a", "x.y.z", "-lead-", "_", "o".repeat(128), "Org.With.Caps-2"];
const EDITIONS: Edition[] = ["enterprise", "standard"];

const cases = INSTANCES.flatMap((instance) =>
  ORGS.flatMap((org) => EDITIONS.flatMap((edition) => endpointsFor(edition).map((endpoint) => ({ instance, org, edition, endpoint })))),
);

it(`round-trips all ${cases.length} combinations`, () => {
  expect(cases.length).toBe(INSTANCES.length * ORGS.length * 3);
  for (const { instance, org, edition, endpoint } of cases) {
    const target: ArmTarget = { instance, org, edition };
    expect(validateTarget(target, DEV)).toEqual({ ok: true, value: target });
    const url = buildArmUrl(target, endpoint);
    expect(classifyArmUrl(url, DEV)).toEqual({ kind: "current", instance, org, edition, endpoint });
    expect(parseDisplayedArmUrl(url, DEV)).toEqual({ ok: true, value: { target, endpoint } });
  }
});

it("round-trips through validateTarget's normalisation", () => {
  const v = validateTarget({ instance: " NA25.autorabit.com/ ", org: " autorabit.com ", edition: "enterprise" }, DEV);
  if (!v.ok) throw new Error(v.message);
  const url = buildArmUrl(v.value, "alm-sync");
  expect(url).toBe("https://na25.autorabit.com/api/webhook/v2/autorabit.com/enterprise/sync-alm-commits");
  expect(classifyArmUrl(url, DEV)).toEqual({ kind: "current", ...v.value, endpoint: "alm-sync" });
});
