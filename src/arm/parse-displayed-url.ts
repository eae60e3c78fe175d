/** Reads a webhook URL as ARM displays it to the admin, so the settings page can fill instance, org and edition from it. */
import { classifyArmUrl } from "./classify-arm-url";
import { ARM_WEBHOOK_PREFIX, currentSuffix } from "./endpoints";
import type { ArmHostPolicy, ArmTarget, EndpointKind, Validation } from "./types";

type Parsed = { target: ArmTarget; endpoint: EndpointKind };

const EXAMPLE = `https://login.autorabit.com${ARM_WEBHOOK_PREFIX}<org>/enterprise/trigger-scm-push-request`;

function fail(message: string): Validation<Parsed> {
  return { ok: false, field: "url", message };
}

export function parseDisplayedArmUrl(url: string, policy: ArmHostPolicy): Validation<Parsed> {
  if (url.trim() === "") return fail(`Paste the webhook URL that ARM shows, for example ${EXAMPLE}.`);
  const found = classifyArmUrl(url, policy);
  switch (found.kind) {
    case "not-arm":
      return fail(`This is not an ARM webhook URL; it should look like ${EXAMPLE}.`);
    case "malformed":
      return fail(found.reason);
    case "legacy": {
      const base = `${found.instance}${ARM_WEBHOOK_PREFIX}${found.org ?? "<org>"}/`;
      return fail(
        "This webhook URL form was retired in ARM release 25.3.9 and no longer triggers jobs. Use the current form: " +
          `${base}${currentSuffix("standard", "push")} (standard edition) or ` +
          `${base}${currentSuffix("enterprise", "push")} (enterprise edition).`,
      );
    }
    case "current":
      // classifyArmUrl applied the rules of validateInstance (origin) and validateOrg to reach "current".
      return { ok: true, value: { target: { instance: found.instance, org: found.org, edition: found.edition }, endpoint: found.endpoint } };
  }
}
