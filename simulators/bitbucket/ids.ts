/** Identifiers shaped like Bitbucket's: UUIDs in braces, 40-hex commit hashes. */
import { randomBytes, randomUUID } from "node:crypto";

export function braceUuid(): string {
  return `{${randomUUID()}}`;
}

export function randomHash(): string {
  return randomBytes(20).toString("hex");
}

/** `{abc}`, `abc` and `%7Babc%7D` all name the same UUID. */
export function sameUuid(a: string, b: string): boolean {
  return bare(a) === bare(b);
}

function bare(id: string): string {
  return decodeURIComponentSafe(id).replace(/^\{|\}$/g, "").toLowerCase();
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function looksLikeUuid(id: string): boolean {
  return /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(decodeURIComponentSafe(id));
}

/** Path segment for a braced UUID, as Bitbucket writes it in links: `%7B…%7D`. */
export function encodeUuidSegment(uuid: string): string {
  return encodeURIComponent(uuid);
}
