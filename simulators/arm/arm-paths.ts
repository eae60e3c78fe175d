/** Which ARM webhook a request path names (REFERENCE section 1). Pure. */
import type { Edition, EndpointKind } from "../../src/arm/types";

export type ArmPath =
  | { kind: "current"; org: string; endpoint: EndpointKind; edition: Edition }
  | { kind: "legacy"; org: string | null }
  | { kind: "unknown" };

const CURRENT = /^\/api\/webhook\/v2\/([^/]+)\/(enterprise\/)?(trigger-scm-push-request|sync-alm-commits)\/?$/;
const LEGACY_PER_ORG = /^\/autorabitrest\/webhook\/([^/]+)\/triggerSCMPushrequest\/?$/;
const LEGACY = [/^\/autorabitrest\/webhook\/triggerSCMPushrequest\/?$/, /^\/api\/webhook\/triggerSCMPushrequest\/?$/];

export function classifyArmPath(pathname: string): ArmPath {
  const current = CURRENT.exec(pathname);
  if (current) {
    const edition: Edition = current[2] ? "enterprise" : "standard";
    const endpoint: EndpointKind = current[3] === "sync-alm-commits" ? "alm-sync" : "push";
    // ALM commit sync exists only in the Enterprise form.
    if (endpoint === "alm-sync" && edition === "standard") return { kind: "unknown" };
    return { kind: "current", org: decode(current[1]), endpoint, edition };
  }
  const perOrg = LEGACY_PER_ORG.exec(pathname);
  if (perOrg) return { kind: "legacy", org: decode(perOrg[1]) };
  if (LEGACY.some((re) => re.test(pathname))) return { kind: "legacy", org: null };
  return { kind: "unknown" };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
