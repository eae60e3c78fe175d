/**
 * The circuit breaker of one ARM endpoint (Svix's auto-disable, REFERENCE section 5). Pure.
 * Any success ends a failing run; a run longer than the pause period, or a 410 Gone, pauses the endpoint.
 * A paused endpoint keeps its deliveries (pending, not given up) until the admin resumes it by reconnecting.
 */
import type { OutcomeClass } from "./classify-outcome";

export interface EndpointHealth {
  failingSince: number | null; // ms since the epoch
  lastSuccessAt: number | null;
  pausedAt: number | null;
  pausedReason: string | null;
}

export const HEALTHY: EndpointHealth = { failingSince: null, lastSuccessAt: null, pausedAt: null, pausedReason: null };

export interface JudgedAttempt {
  outcome: OutcomeClass;
  atMs: number;
  message: string;
}

export function nextHealth(health: EndpointHealth, attempt: JudgedAttempt, pauseAfterMs: number): EndpointHealth {
  if (attempt.outcome === "success") return { ...health, failingSince: null, lastSuccessAt: Math.max(attempt.atMs, health.lastSuccessAt ?? 0) };
  const failingSince = health.failingSince ?? attempt.atMs;
  if (health.pausedAt !== null) return { ...health, failingSince };
  if (attempt.outcome === "gone") return { ...health, failingSince, pausedAt: attempt.atMs, pausedReason: attempt.message };
  if (attempt.atMs - failingSince >= pauseAfterMs) {
    return {
      ...health,
      failingSince,
      pausedAt: attempt.atMs,
      pausedReason:
        `Deliveries to this ARM endpoint are paused: it has accepted none since ${new Date(failingSince).toISOString()}. ` +
        `Last problem: ${attempt.message} Waiting deliveries are kept; reconnect the repository to resume them.`,
    };
  }
  return { ...health, failingSince };
}

export function sameHealth(a: EndpointHealth, b: EndpointHealth): boolean {
  return a.failingSince === b.failingSince && a.lastSuccessAt === b.lastSuccessAt && a.pausedAt === b.pausedAt && a.pausedReason === b.pausedReason;
}
