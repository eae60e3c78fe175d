/** Helpers of the relay integration tests: a relay-mode connection, a test clock, and the relay tables read back. */
import { RelayAttemptRow, RelayDeliveryRow, RelayEndpointHealthRow, RelayEventRow } from "../../../src/db/models";
import { signAppRequest } from "../../../simulators/bitbucket/connect-jwt";
import { connectBody, REPO, startStackOn, type DatabaseKind, type Stack } from "../../support/stack";

/** Short schedules and timeouts, so faults play out in milliseconds; tests that jump hours use a TestClock. */
export const FAST_RELAY_ENV = {
  RELAY_RETRY_SCHEDULE: "0,30ms,60ms,90ms",
  RELAY_ATTEMPT_TIMEOUT: "3s",
  LOG_LEVEL: "info",
};

export function startRelayStack(kind: DatabaseKind = "sqlite", env: Record<string, string> = {}): Promise<Stack> {
  return startStackOn(kind, { env: { ...FAST_RELAY_ENV, ...env } });
}

export async function connect(stack: Stack, overrides: Record<string, unknown> = {}): Promise<any> {
  const page = await stack.settings();
  const res = await page.call("PUT", "/api/connection", connectBody(stack, { deliveryMode: "relay", ...overrides }));
  if (res.status !== 200) throw new Error(`connect answered ${res.status}: ${res.text}`);
  return res.body;
}

/**
 * Real time plus whatever the test skipped: events are stamped with the real time when received, and the worker
 * judges them by this clock, so jumping ahead makes retries due at once.
 */
export class TestClock {
  private offset = 0;
  readonly now = () => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export const relayRows = {
  events: () => RelayEventRow.findAll({ order: [["receivedAt", "ASC"]] }),
  deliveries: () => RelayDeliveryRow.findAll({ order: [["createdAt", "ASC"], ["endpoint", "DESC"]] }),
  attempts: () => RelayAttemptRow.findAll({ order: [["id", "ASC"]] }),
  health: () => RelayEndpointHealthRow.findAll(),
};

/** POSTs to the app's /events as Bitbucket's Connect webhooks do (JWT with qsh), or with the token given. */
export async function sendEvent(
  stack: Stack,
  body: Buffer | string | object,
  opts: { headers?: Record<string, string>; jwt?: string | null; secret?: string } = {},
): Promise<{ status: number; text: string }> {
  const url = `${stack.config.baseUrl}/events`;
  const app = stack.installed();
  const jwt = opts.jwt === undefined ? signAppRequest(app, { method: "POST", url, secret: opts.secret }) : opts.jwt;
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(jwt === null ? {} : { Authorization: `JWT ${jwt}` }), ...opts.headers },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, text: await res.text() };
}

/** A push payload of the simulated repository, as Bitbucket would send it. */
export function pushPayload(stack: Stack, branch = "main"): Record<string, unknown> {
  return {
    push: { changes: [{ old: null, new: { type: "branch", name: branch, target: { hash: "a".repeat(40), message: "[PAY-9] x" } }, commits: [{ hash: "a".repeat(40), message: "[PAY-9] x" }], truncated: false }] },
    repository: { type: "repository", uuid: stack.repoUuid(REPO), full_name: REPO },
    actor: { display_name: "Ann" },
  };
}
