/**
 * The ARM webhooks a repository already has, for an admin who has not connected it yet: a retired or broken hook
 * fails silently, so the page warns before the first connect. Pure. Details name the host and the path's shape,
 * never the URL itself (a query string may carry a token).
 */
import { classifyArmUrl } from "../arm/classify-arm-url";
import { ARM_WEBHOOK_PREFIX, currentSuffix } from "../arm/endpoints";
import { isArmHost } from "../arm/origin-policy";
import type { ArmHostPolicy, ArmUrlClass, EndpointKind, LegacyForm } from "../arm/types";
import type { RemoteHook } from "./types";

export type ExistingArmHookKind = "current" | "legacy" | "malformed";

export interface ExistingArmHook {
  uuid: string;
  endpoint?: EndpointKind;
  kind: ExistingArmHookKind;
  detail: string; // one or two plain sentences
}

const LEGACY_SHAPES: Record<LegacyForm, string> = {
  autorabitrest: "/autorabitrest/webhook/triggerSCMPushrequest",
  "autorabitrest-org": "/autorabitrest/webhook/<org>/triggerSCMPushrequest",
  "api-interim": "/api/webhook/triggerSCMPushrequest",
};

/** The URL parsed (only its host is ever shown); undefined when unparsable. */
function parsed(url: string): URL | undefined {
  try {
    return new URL(url.trim());
  } catch {
    return undefined;
  }
}

function describe(c: Exclude<ArmUrlClass, { kind: "not-arm" }>, url: URL, policy: ArmHostPolicy): string {
  if (c.kind === "current") {
    const shape = `${ARM_WEBHOOK_PREFIX}<org>/${currentSuffix(c.edition, c.endpoint)}`;
    return `It calls ${url.host} for org ${c.org} in the current form (${shape}).`;
  }
  if (c.kind === "legacy") {
    return (
      `It calls ${url.host} on a retired address (${LEGACY_SHAPES[c.form]}); ` +
      "ARM stopped accepting it in release 25.3.9, so it no longer starts any job. Connecting moves it to the current address."
    );
  }
  // The plan (plan-hooks.ts) repairs a broken hook only when it is on an ARM host and its endpoint can be told.
  const repaired = c.endpoint !== undefined && isArmHost(url, policy);
  const next = repaired ? "Connecting repairs it in place." : "Connecting leaves it alone; fix or delete it in Bitbucket.";
  return `It is a broken ARM webhook on ${url.host}. ${c.reason} ${next}`;
}

/** Every hook on the repository that is ARM's (current, legacy or malformed), in Bitbucket's order; other services' hooks are left out. */
export function existingArmHooks(remote: RemoteHook[], policy: ArmHostPolicy): ExistingArmHook[] {
  return remote.flatMap((hook): ExistingArmHook[] => {
    const c = classifyArmUrl(hook.url, policy);
    const url = parsed(hook.url);
    if (c.kind === "not-arm" || url === undefined) return [];
    return [{ uuid: hook.uuid, ...(c.endpoint !== undefined ? { endpoint: c.endpoint } : {}), kind: c.kind, detail: describe(c, url, policy) }];
  });
}
