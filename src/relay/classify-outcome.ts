/**
 * What one attempt to deliver to ARM means: success, retry later, permanent failure, or endpoint gone.
 * Pure; the message is one plain sentence for the delivery log and the admin.
 *
 * Decisions (REFERENCE section 5; Svix retries every 4xx, github-for-jira stops on 401/403/404):
 * - 2xx success. 410 gone: the endpoint is paused at once, its deliveries wait (nothing is given up).
 * - 408, 429, 5xx, timeouts and network errors retry. Timeouts and 429 are "throttled" (a longer first wait).
 * - 401, 403, 404 retry too: each means the ARM side or the token is misconfigured, which the admin can fix
 *   without the event changing (replace the token, register the org), so the schedule gives them time; the
 *   message says what to fix. A 401 means ARM rejected our signature: the stored token is wrong.
 * - Other 4xx (400, 413, 415, 422, …) are permanent: the same bytes will be refused the same way.
 * - 1xx and 3xx are permanent too: redirects are not followed (the body and signature are for this URL only).
 */
import { parseRetryAfter, type NetworkErrorKind } from "../bitbucket/classify-response";

export type OutcomeClass = "success" | "retry" | "failure" | "gone";

export type AttemptResult =
  | { status: number; retryAfter?: string; networkError?: undefined }
  | { networkError: NetworkErrorKind; status?: undefined };

export interface ClassifiedAttempt {
  outcome: OutcomeClass;
  /** Timeout or 429: the receiver is overloaded (see retry-policy). */
  throttled: boolean;
  retryAfterMs: number | null;
  message: string;
}

const NETWORK_MESSAGES: Record<NetworkErrorKind, string> = {
  timeout: "ARM did not answer in time.",
  refused: "ARM refused the connection (nothing is listening at that address now).",
  dns: "The ARM host name could not be resolved.",
  tls: "The secure (TLS) connection to ARM failed.",
  reset: "The connection to ARM was cut before it answered.",
  other: "The request to ARM failed before any answer came.",
};

export function classifyOutcome(result: AttemptResult, nowMs: number): ClassifiedAttempt {
  if (result.networkError !== undefined) {
    return { outcome: "retry", throttled: result.networkError === "timeout", retryAfterMs: null, message: NETWORK_MESSAGES[result.networkError] };
  }
  const status = result.status;
  const retryAfterMs = parseRetryAfter(result.retryAfter, nowMs) ?? null;
  const retry = (message: string, throttled = false): ClassifiedAttempt => ({ outcome: "retry", throttled, retryAfterMs, message });
  const permanent = (message: string): ClassifiedAttempt => ({ outcome: "failure", throttled: false, retryAfterMs: null, message });

  if (status >= 200 && status < 300) return { outcome: "success", throttled: false, retryAfterMs: null, message: `ARM accepted the delivery (HTTP ${status}).` };
  if (status === 410) {
    return {
      outcome: "gone",
      throttled: false,
      retryAfterMs: null,
      message: "ARM answered 410 Gone: this webhook endpoint no longer exists. Deliveries to it are paused; check the ARM instance, org and edition, then reconnect.",
    };
  }
  if (status === 429) return retry("ARM is rate limiting deliveries (HTTP 429); they will be retried later.", true);
  if (status === 408) return retry("ARM timed out reading the delivery (HTTP 408).");
  if (status >= 500 && status < 600) return retry(`ARM failed with HTTP ${status}.`);
  if (status === 401 || status === 403) {
    return retry(`ARM refused the delivery's signature (HTTP ${status}): the ARM token stored for this repository is wrong or was revoked. Replace the token; waiting deliveries will be retried.`);
  }
  if (status === 404) {
    return retry("ARM does not know this webhook address (HTTP 404): check the ARM instance, org and edition, and that the org has a webhook token. Deliveries will be retried.");
  }
  if (status >= 400 && status < 500) return permanent(`ARM rejected the delivery (HTTP ${status}); sending the same bytes again cannot succeed.`);
  return permanent(`ARM answered HTTP ${status} instead of accepting the delivery; redirects are not followed, so check the ARM instance URL.`);
}
