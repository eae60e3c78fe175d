/**
 * The headers of one delivery to ARM: what a Bitbucket hook with a secret would send (REFERENCE section 4),
 * so ARM cannot tell a relayed event from a direct one. Pure.
 */
import { createHash, createHmac } from "node:crypto";
import type { EndpointKind } from "../arm/types";

/**
 * Starts with Bitbucket's own product token, so a receiver that recognises Bitbucket by prefix still does;
 * the comment says who really sent it.
 */
export const RELAY_USER_AGENT = "Bitbucket-Webhooks/2.0 (ARM Connector relay)";

/** Fixed namespace of the name-based hook ids below (a random v4 uuid chosen once for this app). */
const HOOK_NAMESPACE = Buffer.from("5b0f2a4e8c3d4e6f9a1b7c2d3e4f5a6b", "hex");

/**
 * A stable X-Hook-UUID per repository and endpoint (an RFC 4122 version-5 uuid of tenant, repository and endpoint),
 * so ARM sees one "hook" per endpoint, as with direct delivery, across reconnects and app processes.
 */
export function hookUuidFor(clientKey: string, repoUuid: string, endpoint: EndpointKind): string {
  const hash = createHash("sha1").update(HOOK_NAMESPACE).update(`${clientKey}\u0000${repoUuid}\u0000${endpoint}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, keyed by the ARM token as a Bitbucket hook secret would be. */
export function hubSignature(body: Buffer, token: string): string {
  return `sha256=${createHmac("sha256", token).update(body).digest("hex")}`;
}

export interface ArmRequestFacts {
  eventKey: string;
  hookUuid: string;
  /** The delivery id: one per event and endpoint, the same on every attempt, so ARM can dedupe. */
  requestUuid: string;
  attempt: number; // 1 for the first
  body: Buffer;
  token: string;
}

export function armHeaders(f: ArmRequestFacts): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": RELAY_USER_AGENT,
    "X-Event-Key": f.eventKey,
    "X-Hook-UUID": f.hookUuid,
    "X-Request-UUID": f.requestUuid,
    "X-Attempt-Number": String(f.attempt),
    "X-Hub-Signature": hubSignature(f.body, f.token),
  };
}
