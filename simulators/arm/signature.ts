/** `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed by the token>`, compared in constant time. */
import { createHmac, timingSafeEqual } from "node:crypto";

export function hubSignature(body: Buffer, key: string): string {
  return `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
}

export function signatureMatches(body: Buffer, header: string | undefined, key: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(hubSignature(body, key));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
