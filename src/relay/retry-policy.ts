/**
 * When to try a delivery again, modelled on Svix (REFERENCE section 5). Pure: time and randomness are passed in.
 *
 * The schedule lists one delay per attempt: entry i is the wait before attempt i+1, counted from the previous
 * attempt (entry 0 from receipt). The default gives 8 attempts over about 28 hours; after the last one fails the
 * delivery is given up (it stays in the log and can be redelivered by hand).
 *
 * Decisions:
 * - ±20 % jitter on every non-zero delay, so deliveries that failed together do not come back together.
 * - After a timeout or a 429 the receiver is overloaded: wait at least THROTTLE_FLOOR_MS (Svix: 60 s), but never
 *   more than the schedule's longest step, so a shortened test schedule stays short.
 * - Retry-After is a lower bound, capped at RETRY_AFTER_CAP_MS: a receiver cannot park a delivery for days.
 * - "gone" (410) pauses the endpoint rather than failing the delivery: it stays due, is never given up for
 *   that, and goes out as soon as the endpoint is resumed.
 */

export const DEFAULT_RETRY_SCHEDULE = "0,5s,5m,30m,2h,5h,10h,10h";
export const JITTER = 0.2;
export const THROTTLE_FLOOR_MS = 60_000;
export const RETRY_AFTER_CAP_MS = 60 * 60_000;
/** More steps than this is a typo, not a policy (and would keep failed work for weeks). */
const MAX_STEPS = 50;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "250ms", "5s", "5m", "2h", "5d"; a bare number is seconds. Throws RangeError with a sentence. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text.trim()}" is not a duration (use a number with ms, s, m, h or d, e.g. 5s or 2h)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? "s"]);
}

/** Parses e.g. "0,5s,5m,30m,2h". Throws RangeError with a sentence naming the bad entry. */
export function parseRetrySchedule(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length === 1 && parts[0] === "") throw new RangeError("is empty: give at least one delay, e.g. 0,5s,5m");
  if (parts.length > MAX_STEPS) throw new RangeError(`has ${parts.length} steps; at most ${MAX_STEPS} are allowed`);
  return parts.map((p, i) => {
    if (p === "") throw new RangeError(`has an empty entry at position ${i + 1}`);
    try {
      return parseDuration(p);
    } catch (e) {
      throw new RangeError(`entry ${i + 1}: ${(e as Error).message}`);
    }
  });
}

/** When the first attempt of a delivery received at `nowMs` is due. */
export function firstAttemptAt(schedule: readonly number[], nowMs: number): number {
  return nowMs + (schedule[0] ?? 0);
}

export interface NextAttemptInput {
  /** Attempts made so far, the one just judged included (1 after the first). */
  attempt: number;
  outcome: "success" | "retry" | "failure" | "gone";
  /** The receiver's Retry-After, in milliseconds, when it sent one. */
  retryAfterMs?: number | null;
  /** The attempt timed out or was answered 429. */
  throttled?: boolean;
  schedule: readonly number[];
  random: () => number; // [0, 1)
  nowMs: number;
}

export type NextAttempt =
  | { kind: "done" }
  | { kind: "retry"; atMs: number; delayMs: number }
  | { kind: "give-up"; reason: string };

export function nextAttempt(input: NextAttemptInput): NextAttempt {
  if (input.outcome === "success") return { kind: "done" };
  if (input.outcome === "failure") return { kind: "give-up", reason: "ARM refused the delivery in a way that repeating it cannot fix." };
  if (input.outcome === "gone") return { kind: "retry", atMs: input.nowMs, delayMs: 0 };
  const { schedule } = input;
  if (input.attempt >= schedule.length) {
    return { kind: "give-up", reason: `Gave up after ${input.attempt} attempt${input.attempt === 1 ? "" : "s"}: the retry schedule is exhausted.` };
  }
  const step = schedule[input.attempt];
  let delayMs = step === 0 ? 0 : Math.round(step * (1 + JITTER * (2 * input.random() - 1)));
  if (input.throttled) delayMs = Math.max(delayMs, Math.min(THROTTLE_FLOOR_MS, Math.max(...schedule)));
  if (input.retryAfterMs != null && input.retryAfterMs > 0) delayMs = Math.max(delayMs, Math.min(input.retryAfterMs, RETRY_AFTER_CAP_MS));
  return { kind: "retry", atMs: input.nowMs + delayMs, delayMs };
}
