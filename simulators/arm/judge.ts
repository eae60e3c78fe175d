/** What ARM answers to a webhook delivery, from its path, the org's token and the signature. */
import { classifyArmPath } from "./arm-paths";
import { signatureMatches } from "./signature";
import type { ArmDelivery } from "./delivery-log";

export const LEGACY_IGNORED = "retired in 25.3.9: silently ignored";

export type Verdict = Pick<ArmDelivery, "org" | "endpoint" | "edition" | "legacy" | "signatureValid" | "accepted" | "ignored" | "status"> & {
  answer: object;
};

export function judge(pathname: string, tokens: ReadonlyMap<string, string>, body: Buffer, signature: string | undefined): Verdict {
  const where = classifyArmPath(pathname);
  const none = { org: null, endpoint: null, edition: null, legacy: false, signatureValid: null, accepted: false };
  if (where.kind === "unknown") return { ...none, status: 404, answer: { message: "No such webhook endpoint." } };
  const token = where.org === null ? undefined : tokens.get(where.org);
  const signatureValid = token === undefined ? null : signatureMatches(body, signature, token);
  if (where.kind === "legacy") {
    // What users of retired URLs see: a success that triggers nothing.
    return { ...none, org: where.org, endpoint: "push", legacy: true, signatureValid, ignored: LEGACY_IGNORED, status: 200, answer: { status: "accepted" } };
  }
  const found = { org: where.org, endpoint: where.endpoint, edition: where.edition, legacy: false, signatureValid };
  if (token === undefined) return { ...found, accepted: false, status: 404, answer: { message: `Unknown org: ${where.org}` } };
  if (!signatureValid) return { ...found, accepted: false, status: 401, answer: { message: "Missing or invalid X-Hub-Signature." } };
  return { ...found, accepted: true, status: 200, answer: { status: "accepted" } };
}
