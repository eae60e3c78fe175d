/** Validation of POST/PUT …/hooks bodies, per the `webhook_subscription` schema. */
import { isRepositoryEvent } from "./hook-events";
import { isInternalHost } from "./internal-host";

const MAX_SECRET = 128;

/** The mutable fields of a hook; `secret` undefined means "leave as is", null means "no secret". */
export interface HookChanges {
  url?: string;
  description?: string;
  events?: string[];
  active?: boolean;
  secret?: string | null;
  skip_cert_verification?: boolean;
  history_enabled?: boolean;
}

export type HookValidation = { ok: true; changes: HookChanges } | { ok: false; message: string; fields: Record<string, string[]> };

export interface ValidationOptions {
  mode: "create" | "update";
  allowInternalHookUrls: boolean;
}

export function validateHookBody(body: unknown, opts: ValidationOptions): HookValidation {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, message: "Bad request", fields: { body: ["A JSON object is required."] } };
  }
  const input = body as Record<string, unknown>;
  const fields: Record<string, string[]> = {};
  const fail = (field: string, msg: string) => (fields[field] ??= []).push(msg);
  const changes: HookChanges = {};

  if (input.url !== undefined || opts.mode === "create") {
    const problem = urlProblem(input.url, opts.allowInternalHookUrls);
    if (problem) fail("url", problem);
    else changes.url = input.url as string;
  }
  if (input.events !== undefined || opts.mode === "create") {
    const events = input.events;
    if (!Array.isArray(events) || events.length === 0) fail("events", "At least one event is required.");
    else {
      const unknown = events.filter((e) => typeof e !== "string" || !isRepositoryEvent(e));
      if (unknown.length) fail("events", `Unknown event(s): ${unknown.map(String).join(", ")}.`);
      else changes.events = [...new Set(events as string[])].sort();
    }
  }
  if (input.description !== undefined) {
    if (typeof input.description !== "string") fail("description", "Must be a string.");
    else changes.description = input.description;
  }
  if (input.secret !== undefined) {
    const secret = input.secret;
    if (secret !== null && typeof secret !== "string") fail("secret", "Must be a string or null.");
    else if (typeof secret === "string" && secret.length > MAX_SECRET) fail("secret", `Ensure this value has at most ${MAX_SECRET} characters.`);
    // The schema: null or "" removes the secret.
    else changes.secret = secret === "" ? null : secret;
  }
  for (const flag of ["active", "skip_cert_verification", "history_enabled"] as const) {
    if (input[flag] === undefined) continue;
    if (typeof input[flag] !== "boolean") fail(flag, "Must be a boolean.");
    else changes[flag] = input[flag] as boolean;
  }
  return Object.keys(fields).length ? { ok: false, message: "Bad request", fields } : { ok: true, changes };
}

function urlProblem(value: unknown, allowInternal: boolean): string | undefined {
  if (typeof value !== "string" || value === "") return "This field is required.";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a valid URL.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Enter a valid URL.";
  if (!allowInternal && isInternalHost(url.hostname)) {
    return "The URL must resolve to a public address; internal and private addresses are not allowed.";
  }
  return undefined;
}
