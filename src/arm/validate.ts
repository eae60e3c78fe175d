/** Validation of what the admin types on the settings page; messages are sentences fit to show next to the field. */
import { hasStrongArmMarker, pathSegments, startsLikeArmWebhook } from "./path-markers";
import { originProblem } from "./origin-policy";
import type { ArmHostPolicy, ArmTarget, Edition, Validation } from "./types";

const ORG_MAX = 128;
const ALLOWED_ORG = /^[A-Za-z0-9._-]+$/;
const PLACEHOLDER_WORDS = new Set(["orgname", "org-name", "org_name", "yourorg", "your-org", "your_org", "organizationname"]);
const EXAMPLE_INSTANCE = "https://na25.autorabit.com";

function fail<T>(field: string, message: string): Validation<T> {
  return { ok: false, field, message };
}

/** Template text copied from ARM's docs (`<OrgName>`, `%3COrgName%3E`, `{org}`) rather than a real name. */
function isPlaceholder(org: string): boolean {
  return /[<>{}]|%3c|%3e|%7b|%7d/i.test(org) || PLACEHOLDER_WORDS.has(org.toLowerCase());
}

export function validateOrg(raw: string): Validation<string> {
  const org = raw.trim();
  const bad = (message: string) => fail<string>("org", message);
  if (org === "") return bad("Enter the ARM organization name, as shown in ARM (for example autorabit.com).");
  if (isPlaceholder(org)) {
    return bad(`"${org}" is a placeholder; replace it with your real ARM organization name (for example autorabit.com).`);
  }
  if (org.includes("://")) return bad("Enter only the organization name (for example autorabit.com), not a URL.");
  if (/\s/.test(org)) return bad("The organization name cannot contain spaces.");
  if (/[\p{Cc}\p{Cf}]/u.test(org)) {
    return bad("The organization name contains an invisible control character; type it again.");
  }
  if (org === "." || org === "..") {
    return bad(`"${org}" is not an organization name; enter the name as shown in ARM (for example autorabit.com).`);
  }
  if (org.toLowerCase() === "enterprise" || org.toLowerCase() === "standard") {
    // In a webhook path this word would sit where the org belongs; it is almost surely the edition.
    return bad(`"${org}" is an ARM edition, not an organization name; enter the org name as shown in ARM.`);
  }
  if (!ALLOWED_ORG.test(org)) {
    const ch = [...org].find((c) => !ALLOWED_ORG.test(c));
    return bad(
      `The organization name cannot contain "${ch}"; use only letters, digits, dots (.), hyphens (-) and underscores (_), as in autorabit.com.`,
    );
  }
  if (org.length > ORG_MAX) return bad(`The organization name is longer than ${ORG_MAX} characters.`);
  return { ok: true, value: org };
}

/** A scheme is present unless the colon only introduces a port (`localhost:3000`). */
function withScheme(text: string): string {
  return /^[a-z][a-z0-9+.-]*:(?!\d+(?:[/?#]|$))/i.test(text) ? text : `https://${text}`;
}

/** Returns the normalised origin: lower-case host, no default port, no trailing slash. */
export function validateInstance(raw: string, policy: ArmHostPolicy): Validation<string> {
  const bad = (message: string) => fail<string>("instance", message);
  const text = raw.trim();
  if (text === "") return bad(`Enter the ARM instance address, for example ${EXAMPLE_INSTANCE}.`);
  let url: URL;
  try {
    url = new URL(withScheme(text));
  } catch {
    return bad(`This is not a web address; enter the ARM instance address, for example ${EXAMPLE_INSTANCE}.`);
  }
  const problem = originProblem(url, policy);
  if (problem !== undefined) return bad(problem);
  if (url.pathname !== "/") {
    const segments = pathSegments(url.pathname);
    if (hasStrongArmMarker(segments) || startsLikeArmWebhook(segments)) {
      return bad(`This is a full webhook URL; paste only its instance part, ${url.origin}. The app builds the webhook URLs itself.`);
    }
    return bad(`Give only the instance address, without a path, for example ${EXAMPLE_INSTANCE}.`);
  }
  if (/[?#]/.test(url.href)) {
    return bad(`Remove the part from "?" or "#" on; give only the instance address, for example ${EXAMPLE_INSTANCE}.`);
  }
  return { ok: true, value: url.origin };
}

function isEdition(s: string): s is Edition {
  return s === "enterprise" || s === "standard";
}

export function validateTarget(
  input: { instance: string; org: string; edition: string },
  policy: ArmHostPolicy,
): Validation<ArmTarget> {
  const instance = validateInstance(input.instance, policy);
  if (!instance.ok) return instance;
  const org = validateOrg(input.org);
  if (!org.ok) return org;
  if (!isEdition(input.edition)) return fail("edition", 'Choose the ARM edition: "enterprise" or "standard".');
  return { ok: true, value: { instance: instance.value, org: org.value, edition: input.edition } };
}
