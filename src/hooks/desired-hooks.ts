/** The hooks a repository should carry for the admin's settings. Pure. */
import { buildArmUrl, endpointsFor } from "../arm/endpoints";
import type { EndpointKind } from "../arm/types";
import type { ConnectionSettings, DesiredHook, Triggers } from "./types";

/** Bitbucket's limit for a webhook secret (OpenAPI `webhook_subscription.secret.maxLength`). */
export const MAX_SECRET_LENGTH = 128;

/**
 * The OpenAPI document sets no limit on `description`; these stay short so that they fit any limit Bitbucket's UI
 * applies and read well in its hook list. "managed" tells humans not to edit them by hand.
 */
export const HOOK_DESCRIPTIONS: Record<EndpointKind, string> = {
  push: "ARM Connector: build on push (managed, do not edit)",
  "alm-sync": "ARM Connector: ALM commit sync (managed, do not edit)",
};

function eventsFor(endpoint: EndpointKind, triggers: Triggers): string[] {
  if (endpoint === "alm-sync") return triggers.almSync ? ["repo:push"] : [];
  const events = [
    ...(triggers.push ? ["repo:push"] : []),
    ...(triggers.pullRequests ? ["pullrequest:created", "pullrequest:updated"] : []),
  ];
  return events.sort();
}

/** Where ARM wants each wanted endpoint's events: the same targets serve Bitbucket hooks (direct) and the relay. */
export interface HookTarget {
  endpoint: EndpointKind;
  url: string;
  events: string[]; // sorted
}

export function hookTargets(settings: ConnectionSettings): HookTarget[] {
  const target = { instance: settings.instance, org: settings.org, edition: settings.edition };
  return endpointsFor(settings.edition).flatMap((endpoint): HookTarget[] => {
    const events = eventsFor(endpoint, settings.triggers);
    return events.length === 0 ? [] : [{ endpoint, url: buildArmUrl(target, endpoint), events }];
  });
}

/** Throws (RangeError) only for a token Bitbucket would refuse as a secret; validate tokens earlier for a friendlier message. */
export function desiredHooks(settings: ConnectionSettings, token: string, secretFingerprint: string): DesiredHook[] {
  if (token.length === 0 || token.length > MAX_SECRET_LENGTH) {
    throw new RangeError(`The ARM token must be 1 to ${MAX_SECRET_LENGTH} characters long to be used as a Bitbucket webhook secret.`);
  }
  return hookTargets(settings).map((t) => ({
    ...t,
    description: HOOK_DESCRIPTIONS[t.endpoint],
    active: true,
    secret: token,
    secretFingerprint,
  }));
}
