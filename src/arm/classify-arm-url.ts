/**
 * Classifies a URL found on a Bitbucket hook: a current ARM webhook, a retired (legacy) form, a broken ARM URL,
 * or not ARM's at all. Reasons are plain sentences shown to admins; they never echo a query string or credentials.
 *
 * Decisions:
 * - A hook is ARM's when its path carries an ARM endpoint word or `autorabitrest` (any host), or starts with
 *   `/api/webhook` on an allowed ARM host. Other hooks on ARM hosts are left alone as `not-arm`.
 * - Current forms match case-sensitively; legacy forms case-insensitively (ARM's docs spell `triggerSCMPushrequest`).
 * - A trailing slash is malformed: ARM documents none and whether ARM accepts one is unknown.
 * - `instance` is given only when scheme and host pass the policy.
 */
import { ARM_WEBHOOK_PREFIX, allCurrentSuffixes, matchCurrentSuffix } from "./endpoints";
import { isArmHost, originProblem } from "./origin-policy";
import { endpointOfSegment, hasStrongArmMarker, pathSegments, startsLikeArmWebhook } from "./path-markers";
import type { ArmHostPolicy, ArmUrlClass, EndpointKind, LegacyForm } from "./types";
import { validateOrg } from "./validate";

const NOT_ARM: ArmUrlClass = { kind: "not-arm" };
const CURRENT_EXAMPLE = `${ARM_WEBHOOK_PREFIX}<org>/trigger-scm-push-request`;

/** The org from a path segment when it is a valid org name exactly as written; otherwise the reason why not. */
function orgFromSegment(segment: string): { org: string } | { reason: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return { reason: "The organization name in the address is not valid percent-encoding." };
  }
  const check = validateOrg(decoded);
  if (!check.ok) return { reason: check.message };
  if (check.value !== decoded) return { reason: "The organization name in the address has spaces around it." };
  return { org: check.value };
}

function matchLegacy(segments: string[]): { form: LegacyForm; orgSegment?: string } | undefined {
  const lower = segments.map((s) => s.toLowerCase());
  const is = (...words: (string | null)[]) => lower.length === words.length && words.every((w, i) => w === null || w === lower[i]);
  if (is("autorabitrest", "webhook", "triggerscmpushrequest")) return { form: "autorabitrest" };
  if (is("autorabitrest", "webhook", null, "triggerscmpushrequest")) return { form: "autorabitrest-org", orgSegment: segments[2] };
  if (is("api", "webhook", "triggerscmpushrequest")) return { form: "api-interim" };
  return undefined;
}

function isCurrentPrefix(segments: string[]): boolean {
  return segments[0] === "api" && segments[1] === "webhook" && segments[2] === "v2";
}

/** Why a path under `/api/webhook/v2/<org>/` (or something like it) is not a current form. */
function diagnoseShape(segments: string[]): string {
  const suffix = segments.slice(4).join("/");
  const lowerPrefix = segments.slice(0, 3).map((s) => s.toLowerCase());
  if (isCurrentPrefix(lowerPrefix) && segments.length > 4 && matchCurrentSuffix(suffix.toLowerCase())) {
    return `The webhook address differs from ARM's in letter case; ARM's paths are lower-case, as in ${CURRENT_EXAMPLE}.`;
  }
  if (!isCurrentPrefix(segments)) {
    return `This address does not follow any ARM webhook form; the current form is ${CURRENT_EXAMPLE}.`;
  }
  if (segments.length === 3) return "The organization name and the endpoint are missing after /api/webhook/v2/.";
  if (segments.length === 4) {
    return (
      "The endpoint is missing after the organization name; " +
      "ARM's webhook addresses end in /trigger-scm-push-request or /sync-alm-commits."
    );
  }
  if (suffix === "sync-alm-commits") {
    return `ALM commit sync exists only in the enterprise form, ${ARM_WEBHOOK_PREFIX}<org>/enterprise/sync-alm-commits.`;
  }
  if (allCurrentSuffixes().some((s) => suffix.startsWith(s))) {
    return "The webhook address has extra text after the endpoint name.";
  }
  const served = allCurrentSuffixes().join(", ");
  return `The path after the organization name is not an ARM webhook endpoint; ARM's endpoints are ${served}.`;
}

export function classifyArmUrl(raw: string, policy: ArmHostPolicy): ArmUrlClass {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return NOT_ARM;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return NOT_ARM;
  const all = pathSegments(url.pathname);
  if (!hasStrongArmMarker(all) && !(isArmHost(url, policy) && startsLikeArmWebhook(all))) return NOT_ARM;

  const endpoint: EndpointKind | undefined = all.map(endpointOfSegment).filter((e) => e !== undefined).pop();
  const problem = originProblem(url, policy);
  const malformed = (reason: string): ArmUrlClass => ({
    kind: "malformed",
    reason,
    ...(problem === undefined ? { instance: url.origin } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  if (problem !== undefined) return malformed(problem);
  if (/[?#]/.test(url.href)) {
    return malformed("The webhook address has a query string or fragment (from ? or #); ARM's webhook addresses have none.");
  }

  const trailingSlash = all.length > 1 && all[all.length - 1] === "";
  const segments = trailingSlash ? all.slice(0, -1) : all;
  if (isCurrentPrefix(segments) && segments[3] === "") {
    return malformed(
      `The organization name is missing between /v2/ and the endpoint ("//"); replace it with your org name, as in ${CURRENT_EXAMPLE}.`,
    );
  }
  if (segments.includes("")) return malformed('The webhook address contains an empty path segment ("//").');

  const result = classifyPath(segments, url.origin, malformed);
  if (trailingSlash && result.kind !== "malformed") {
    return malformed(
      "The webhook address ends with \"/\"; ARM's webhook addresses end with the endpoint name, such as trigger-scm-push-request.",
    );
  }
  return result;
}

/** The form of a path without empty segments, on an origin that passed the policy. */
function classifyPath(segments: string[], instance: string, malformed: (reason: string) => ArmUrlClass): ArmUrlClass {
  const legacy = matchLegacy(segments);
  if (legacy !== undefined) {
    const org = legacy.orgSegment === undefined ? undefined : orgFromSegment(legacy.orgSegment);
    return {
      kind: "legacy",
      form: legacy.form,
      instance,
      ...(org !== undefined && "org" in org ? { org: org.org } : {}),
      endpoint: "push",
    };
  }
  const current = isCurrentPrefix(segments) ? matchCurrentSuffix(segments.slice(4).join("/")) : undefined;
  if (current === undefined) return malformed(diagnoseShape(segments));
  const org = orgFromSegment(segments[3]);
  if ("reason" in org) return malformed(org.reason);
  return { kind: "current", instance, org: org.org, edition: current.edition, endpoint: current.endpoint };
}
