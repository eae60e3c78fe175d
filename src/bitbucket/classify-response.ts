/**
 * Decides what one Bitbucket answer (or failure to get one) means: success, retry now (and after how long),
 * or a failure with a plain sentence for an admin. Pure: time and randomness are passed in.
 *
 * Decisions:
 * - 429 is retried for every method (Bitbucket did not act), honouring Retry-After up to RETRY_LIMITS.maxRetryAfterMs;
 *   a longer wait is not slept through here: the message says when to come back.
 * - 5xx, timeouts and resets are retried only for idempotent methods. For POST they are "ambiguous": the hook may
 *   exist, so the caller re-reads instead of re-posting.
 * - Refused connections and DNS failures never reached Bitbucket, so they are retried for every method.
 * - 401/403/404/400 and other 4xx are not retried: repeating them cannot help.
 */
import type { BitbucketErrorCode } from "./errors";

export type NetworkErrorKind = "timeout" | "refused" | "reset" | "dns" | "tls" | "other";

export interface ResponseFacts {
  method: string;
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, when there was one (Bitbucket's error body gives the messages). */
  body?: unknown;
  networkError?: NetworkErrorKind;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface ClassifyEnv {
  random: () => number; // [0, 1)
  nowMs: number; // for Retry-After given as an HTTP date
}

export interface ResponseClass {
  retryable: boolean;
  retryDelayMs: number;
  isFailure: boolean;
  ambiguous: boolean;
  code: BitbucketErrorCode | "ok";
  message: string;
  /** Set for a rate limit whose wait exceeds what we sleep through. */
  retryAfterMs?: number;
}

export const RETRY_LIMITS = {
  backoffBaseMs: 500,
  rateLimitBaseMs: 2_000,
  maxBackoffMs: 8_000,
  maxRetryAfterMs: 30_000,
};

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const MAX_QUOTED = 300;

function header(headers: ResponseFacts["headers"], name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Milliseconds to wait from Retry-After (delta-seconds or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Every HTTP-date form starts with a day name; this keeps Date.parse from reading "-1" or "1.5" as a year.
  const at = /^[A-Za-z]{3}/.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Exponential back-off with equal jitter: half the step is fixed, half random, so retries spread out. */
function backoffMs(attempt: number, baseMs: number, random: () => number): number {
  const step = Math.min(RETRY_LIMITS.maxBackoffMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_QUOTED ? `${flat.slice(0, MAX_QUOTED - 1)}…` : flat;
}

interface BitbucketSays {
  message?: string;
  fields?: string;
  missingScopes?: string[];
}

/** Reads Bitbucket's error body ({"type": "error", "error": {message, detail, fields}}) without trusting its shape. */
function bitbucketSays(body: unknown): BitbucketSays {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error !== "object" || error === null) return {};
  const e = error as { message?: unknown; detail?: unknown; fields?: unknown };
  const says: BitbucketSays = {};
  if (typeof e.message === "string" && e.message.trim() !== "") says.message = oneLine(e.message);
  if (typeof e.detail === "string" && e.detail.trim() !== "" && e.detail !== e.message) {
    says.message = oneLine(says.message ? `${says.message} ${e.detail}` : e.detail);
  }
  if (typeof e.fields === "object" && e.fields !== null) {
    const parts = Object.entries(e.fields as Record<string, unknown>).map(
      ([field, problems]) => `${field}: ${Array.isArray(problems) ? problems.join(" ") : String(problems)}`,
    );
    if (parts.length > 0) says.fields = oneLine(parts.join("; "));
  }
  // Scope errors carry {"detail": {"required": [...], "granted": [...]}}.
  const detail = e.detail as { required?: unknown; granted?: unknown } | undefined;
  if (typeof detail === "object" && detail !== null && Array.isArray(detail.required)) {
    const granted = Array.isArray(detail.granted) ? detail.granted : [];
    says.missingScopes = detail.required.filter((s): s is string => typeof s === "string" && !granted.includes(s));
  }
  return says;
}

function quoted(says: BitbucketSays): string {
  return says.message ? `: "${says.message}"` : "";
}

function failure(code: BitbucketErrorCode, message: string, extra: Partial<ResponseClass> = {}): ResponseClass {
  return { retryable: false, retryDelayMs: 0, isFailure: true, ambiguous: false, code, message, ...extra };
}

function retry(code: BitbucketErrorCode, message: string, delayMs: number): ResponseClass {
  return { retryable: true, retryDelayMs: delayMs, isFailure: true, ambiguous: false, code, message };
}

function rateLimited(facts: ResponseFacts, env: ClassifyEnv): ResponseClass {
  const wait = parseRetryAfter(header(facts.headers, "retry-after"), env.nowMs);
  if (wait === undefined) {
    const delay = backoffMs(facts.attempt, RETRY_LIMITS.rateLimitBaseMs, env.random);
    return retry("rate-limited", "Bitbucket's rate limit for this app was reached (HTTP 429); try again in a few minutes.", delay);
  }
  if (wait <= RETRY_LIMITS.maxRetryAfterMs) {
    return retry("rate-limited", "Bitbucket's rate limit for this app was reached (HTTP 429); try again in a minute.", wait);
  }
  const when = new Date(env.nowMs + wait).toISOString().slice(0, 16).replace("T", " ");
  const minutes = Math.ceil(wait / 60_000);
  return failure(
    "rate-limited",
    `Bitbucket's rate limit for this app was reached (HTTP 429); try again after ${when} UTC (in about ${minutes} minute${minutes === 1 ? "" : "s"}).`,
    { retryAfterMs: wait },
  );
}

/** A failure after which Bitbucket may or may not have acted: retried only when repeating is harmless. */
function unsure(facts: ResponseFacts, env: ClassifyEnv, code: BitbucketErrorCode, what: string): ResponseClass {
  const method = facts.method.toUpperCase();
  if (IDEMPOTENT.has(method)) {
    return retry(code, `${what}; try again in a few minutes.`, backoffMs(facts.attempt, RETRY_LIMITS.backoffBaseMs, env.random));
  }
  return failure(
    code,
    `${what}, so it is unknown whether the change was made. Try again in a few minutes; the connector checks the repository's webhooks first, so nothing is created twice.`,
    { ambiguous: true },
  );
}

const NETWORK_WHAT: Record<NetworkErrorKind, string> = {
  timeout: "Bitbucket did not answer in time",
  reset: "The connection to Bitbucket broke before it answered",
  other: "The connection to Bitbucket failed before it answered",
  refused: "Bitbucket could not be reached (connection refused)",
  dns: "Bitbucket's address could not be resolved",
  tls: "A secure connection to Bitbucket could not be established (TLS error)",
};

function networkFailure(facts: ResponseFacts, env: ClassifyEnv, kind: NetworkErrorKind): ResponseClass {
  const what = NETWORK_WHAT[kind];
  if (kind === "refused" || kind === "dns") {
    // Nothing reached Bitbucket, so even a POST is safe to repeat.
    return retry("network-error", `${what}; try again in a few minutes.`, backoffMs(facts.attempt, RETRY_LIMITS.backoffBaseMs, env.random));
  }
  if (kind === "tls") return failure("network-error", `${what}.`);
  return unsure(facts, env, kind === "timeout" ? "timeout" : "network-error", what);
}

function forbidden(says: BitbucketSays): string {
  const missing =
    says.missingScopes && says.missingScopes.length > 0
      ? ` The app is missing the permission scope${says.missingScopes.length === 1 ? "" : "s"} ${says.missingScopes.map((s) => `"${s}"`).join(", ")}.`
      : "";
  return (
    `Bitbucket refused permission (HTTP 403)${quoted(says)}.${missing} The app needs the "webhook" scope, plus "repository" for ` +
    `push events and "pullrequest" for pull request events; a workspace administrator may have to accept the app's updated permissions or reinstall it.`
  );
}

export function classifyResponse(facts: ResponseFacts, env: ClassifyEnv): ResponseClass {
  if (facts.networkError !== undefined) return networkFailure(facts, env, facts.networkError);
  const status = facts.status ?? 0;
  if (status >= 200 && status < 300) {
    return { retryable: false, retryDelayMs: 0, isFailure: false, ambiguous: false, code: "ok", message: "OK" };
  }
  if (status === 429) return rateLimited(facts, env);
  if (status >= 500 && status < 600) {
    return unsure(facts, env, "server-error", `Bitbucket had a problem answering (HTTP ${status})`);
  }
  const says = bitbucketSays(facts.body);
  switch (status) {
    case 401:
      return failure(
        "unauthorized",
        "Bitbucket refused the app's credentials (HTTP 401). Reinstall the ARM Connector app in this workspace so that Bitbucket issues new ones.",
      );
    case 403:
      return failure("forbidden", forbidden(says));
    case 404:
      return failure("not-found", "The repository was not found, or the app has no access to it (HTTP 404).");
    case 400: {
      const fields = says.fields ? ` (${says.fields})` : "";
      return failure("bad-request", `Bitbucket rejected the request (HTTP 400)${quoted(says)}${fields}.`);
    }
  }
  if (status >= 400 && status < 500) {
    return failure("client-error", `Bitbucket refused the request (HTTP ${status})${quoted(says)}.`);
  }
  return failure("unexpected-response", `Bitbucket gave an unexpected answer (HTTP ${status || "without a status"}).`);
}
