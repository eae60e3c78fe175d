/** The one error type the Bitbucket client throws. Its message is a plain sentence for an admin. */
import type { ManagedHookRecord, PlanStep } from "../hooks/types";

export type BitbucketErrorCode =
  | "rate-limited"
  | "server-error"
  | "timeout"
  | "network-error"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "bad-request"
  | "client-error"
  | "unexpected-response"
  | "cross-origin-next";

/** What a reconciliation had already done when it stopped on this error, so the caller forgets nothing. */
export interface ReconcilePartial {
  managed: ManagedHookRecord[];
  applied: PlanStep[];
}

export interface BitbucketApiErrorInit {
  status?: number;
  code: BitbucketErrorCode;
  retryable: boolean;
  ambiguous?: boolean;
  /** When Bitbucket said to come back (rate limit beyond what the client waits for). */
  retryAfterMs?: number;
}

export class BitbucketApiError extends Error {
  readonly status?: number;
  readonly code: BitbucketErrorCode;
  /** True when trying again later may succeed (rate limit, outage); the client has already retried what it could. */
  readonly retryable: boolean;
  /** True when a non-idempotent request (POST) may or may not have taken effect: re-read before repeating it. */
  readonly ambiguous: boolean;
  readonly retryAfterMs?: number;
  /** Set by the hook reconciler when it stops on this error (see src/hooks/reconcile.ts). */
  partial?: ReconcilePartial;

  constructor(message: string, init: BitbucketApiErrorInit) {
    super(message);
    this.name = "BitbucketApiError";
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable;
    this.ambiguous = init.ambiguous ?? false;
    this.retryAfterMs = init.retryAfterMs;
  }
}
