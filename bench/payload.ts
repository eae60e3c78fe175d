/**
 * The benchmark's Connect deliveries: a `repo:push` produced by the Bitbucket simulator for the connected
 * repository, trimmed of per-object `links`/`summary` to about 3.6 KB (near the 3.2 KB that section 8 of
 * REFERENCE.md was measured with), wrapped as `{event, data}`. Each delivery carries its sequence number in the commit message,
 * which the ARM side reads back to match receipt to send.
 */
import type { BitbucketSim } from "../simulators";

const SEQ = "@@SEQ@@";
export const MARKER = "Bench event #";

export interface DeliveryTemplate {
  event: string;
  /** Envelope JSON split around the sequence placeholder: join with the number to get one body. */
  parts: string[];
  /** Bytes of the `data` part of one body (what ARM receives). */
  payloadBytes: number;
}

export async function pushTemplate(bitbucket: BitbucketSim, repo: string): Promise<DeliveryTemplate> {
  const branch = `bench/${Date.now().toString(36)}`;
  await bitbucket.push(repo, { branch, commits: [{ message: "Start the benchmark branch" }] });
  const outcome = await bitbucket.push(repo, { branch, commits: [{ message: `${MARKER}${SEQ}: update the payment rules` }] });
  const data = trim(outcome.payload);
  const json = JSON.stringify({ event: outcome.event, data });
  return { event: outcome.event, parts: json.split(SEQ), payloadBytes: Buffer.byteLength(JSON.stringify(data)) };
}

export function bodyFor(template: DeliveryTemplate, seq: number): string {
  return template.parts.join(String(seq));
}

/** The sequence number in a body ARM received, or null. */
export function seqIn(body: Buffer): number | null {
  const at = body.indexOf(MARKER);
  if (at < 0) return null;
  const digits = /^\d+/.exec(body.toString("latin1", at + MARKER.length, at + MARKER.length + 12));
  return digits ? Number(digits[0]) : null;
}

/** Drops the decorative parts (link sets of users, commits and nested repositories, rendered summaries) below the top level. */
function trim(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => trim(v, depth + 1));
  if (value === null || typeof value !== "object") return value;
  const keep = Object.entries(value).filter(([k]) => !(depth > 3 && (k === "links" || k === "summary")) && !(depth > 3 && k === "repository"));
  return Object.fromEntries(keep.map(([k, v]) => [k, trim(v, depth + 1)]));
}
