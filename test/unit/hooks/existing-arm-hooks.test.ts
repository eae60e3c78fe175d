import { existingArmHooks } from "../../../src/hooks/existing-arm-hooks";
import { hook, policy, URLS } from "./fixtures";

test("lists ARM hooks by kind and endpoint, in Bitbucket's order, leaving other services' hooks out", () => {
  const hooks = [hook(URLS.jenkins), hook(URLS.legacy), hook(URLS.malformedAlm), hook(URLS.entPush), hook(URLS.stdPush)];
  const found = existingArmHooks(hooks, policy);
  expect(found.map((h) => [h.uuid, h.kind, h.endpoint])).toEqual([
    [hooks[1].uuid, "legacy", "push"],
    [hooks[2].uuid, "malformed", "alm-sync"],
    [hooks[3].uuid, "current", "push"],
    [hooks[4].uuid, "current", "push"],
  ]);
  expect(found[0].detail).toBe(
    "It calls login.autorabit.com on a retired address (/autorabitrest/webhook/triggerSCMPushrequest); " +
      "ARM stopped accepting it in release 25.3.9, so it no longer starts any job. Connecting moves it to the current address.",
  );
  expect(found[1].detail).toMatch(/^It is a broken ARM webhook on login\.autorabit\.com\. The organization name is missing .* Connecting repairs it in place\.$/);
  expect(found[2].detail).toBe("It calls login.autorabit.com for org autorabit.com in the current form (/api/webhook/v2/<org>/enterprise/trigger-scm-push-request).");
  expect(found[3].detail).toContain("(/api/webhook/v2/<org>/trigger-scm-push-request)");
});

test("details never echo a query string or credentials, and a broken hook off the ARM hosts is said to be left alone", () => {
  const withQuery = hook(`${URLS.entPush}?token=s3cr3t-token`);
  const withUser = hook("https://admin:hunter2@login.autorabit.com/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request");
  const proxy = hook("https://relay.example.com/autorabitrest/webhook/v2//sync-alm-commits");
  const found = existingArmHooks([withQuery, withUser, proxy], policy);
  expect(found.map((h) => h.kind)).toEqual(["malformed", "malformed", "malformed"]);
  for (const h of found) expect(h.detail).not.toMatch(/s3cr3t|hunter2|admin|token=/);
  expect(found[2].detail).toMatch(/relay\.example\.com.*Connecting leaves it alone; fix or delete it in Bitbucket\.$/);
});

test("an endpoint that cannot be told is not guessed, and that broken hook is said to be left alone", () => {
  const [found] = existingArmHooks([hook("https://login.autorabit.com/api/webhook/v2/autorabit.com")], policy);
  expect(found).toMatchObject({ kind: "malformed" });
  expect(found).not.toHaveProperty("endpoint");
  expect(found.detail).toMatch(/Connecting leaves it alone/);
});
