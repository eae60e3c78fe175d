/** The scheme and host rules for an ARM instance, shared by settings validation and hook URL classification. */
import { hostMatches } from "./host-pattern";
import { hostKind } from "./ip-literal";
import type { ArmHostPolicy } from "./types";

/** True when the loopback switch lets this URL's host through regardless of the allow-list. */
function isDevLoopback(url: URL, policy: ArmHostPolicy): boolean {
  return policy.allowHttpLoopback && hostKind(url.hostname) === "loopback";
}

/** True when the host is one the policy treats as ARM's (allow-list, or loopback under the switch); scheme not considered. */
export function isArmHost(url: URL, policy: ArmHostPolicy): boolean {
  return isDevLoopback(url, policy) || policy.allowedHosts.some((p) => hostMatches(url.hostname, p));
}

/**
 * Why this URL's scheme, credentials or host cannot be an ARM instance, as one plain sentence; undefined when fine.
 * Never echoes credentials. The path is not looked at.
 */
export function originProblem(url: URL, policy: ArmHostPolicy): string | undefined {
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return "An ARM instance address starts with https://.";
  }
  if (url.username !== "" || url.password !== "") {
    return "Remove the user name and password from the address; ARM is reached without them.";
  }
  if (isDevLoopback(url, policy)) return undefined;
  const kind = hostKind(url.hostname);
  if (kind === "loopback") {
    return `${url.hostname} is a loopback address, which is not an ARM instance.`;
  }
  if (kind === "non-public") {
    return `${url.hostname} is a private, link-local or otherwise non-public address, which cannot be an ARM instance.`;
  }
  if (!isArmHost(url, policy)) {
    const allowed = policy.allowedHosts.length > 0 ? policy.allowedHosts.join(", ") : "none are configured";
    return `${url.hostname} is not an allowed ARM host (allowed: ${allowed}).`;
  }
  if (url.protocol === "http:") {
    return `ARM instances are reached over https; use https://${url.host} instead of http://${url.host}.`;
  }
  return undefined;
}
