/** The current ARM webhook URL forms (REFERENCE section 1), as one table that building and classifying share. */
import type { ArmTarget, Edition, EndpointKind } from "./types";

export const ARM_DEFAULT_INSTANCE = "https://login.autorabit.com";

/** Every current webhook path starts with this; the org follows as one path segment. */
export const ARM_WEBHOOK_PREFIX = "/api/webhook/v2/";

/** Path after `<prefix><org>/`, per edition and endpoint. Key order is the order endpoints are listed in. */
const CURRENT_SUFFIXES: Record<Edition, Partial<Record<EndpointKind, string>>> = {
  enterprise: { push: "enterprise/trigger-scm-push-request", "alm-sync": "enterprise/sync-alm-commits" },
  standard: { push: "trigger-scm-push-request" },
};

export function endpointsFor(edition: Edition): EndpointKind[] {
  return Object.keys(CURRENT_SUFFIXES[edition]) as EndpointKind[];
}

/** The path after the org for a current form, or undefined when the edition has no such endpoint. */
export function currentSuffix(edition: Edition, endpoint: EndpointKind): string | undefined {
  return CURRENT_SUFFIXES[edition][endpoint];
}

/** Which current form a path-after-the-org is, if any (exact, case-sensitive). */
export function matchCurrentSuffix(suffix: string): { edition: Edition; endpoint: EndpointKind } | undefined {
  for (const edition of Object.keys(CURRENT_SUFFIXES) as Edition[]) {
    for (const endpoint of endpointsFor(edition)) {
      if (CURRENT_SUFFIXES[edition][endpoint] === suffix) return { edition, endpoint };
    }
  }
  return undefined;
}

/** All current suffixes, for messages and diagnosis. */
export function allCurrentSuffixes(): string[] {
  return (Object.keys(CURRENT_SUFFIXES) as Edition[]).flatMap((e) => endpointsFor(e).map((k) => CURRENT_SUFFIXES[e][k] as string));
}

/**
 * The exact webhook URL for a target. Callers validate the target first (validateTarget); this only refuses
 * what would produce a URL that cannot work at all.
 */
export function buildArmUrl(target: ArmTarget, endpoint: EndpointKind): string {
  const suffix = currentSuffix(target.edition, endpoint);
  if (suffix === undefined) {
    throw new Error(`The ${target.edition} edition of ARM has no ${endpoint} webhook endpoint.`);
  }
  if (target.org.trim() === "") throw new Error("The ARM organization name is empty.");
  const instance = target.instance.endsWith("/") ? target.instance.slice(0, -1) : target.instance;
  return `${instance}${ARM_WEBHOOK_PREFIX}${encodeURIComponent(target.org)}/${suffix}`;
}
