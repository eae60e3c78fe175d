/**
 * Delivering an event as Bitbucket does (REFERENCE section 4): to every active repository hook subscribed
 * to it (bare payload, `X-Hub-Signature` when the hook has a secret) and to every installed Connect app of
 * the workspace whose `webhooks` module lists it and whose scopes cover it (`{event, data}` envelope, JWT).
 * Each target gets up to two more attempts, immediately, only after a 5xx.
 */
import { createHmac, randomUUID } from "node:crypto";
import { signAppRequest } from "./connect-jwt";
import type { SimContext } from "./context";
import { appUrl } from "./descriptor";
import { post } from "./http-post";
import type { Payload } from "./payloads";
import { grantedScopes, scopeForEvent } from "./scopes";
import type { RepoData } from "./state";
import type { InstalledApp, SimHook } from "./types";

const MAX_ATTEMPTS = 3;

export interface DeliveryAttempt {
  attempt: number;
  status: number | null; // null: no HTTP answer (see error)
  error?: string;
  durationMs: number;
  responseBody?: string;
}

export interface DeliveryResult {
  target: "hook" | "connect";
  event: string;
  url: string;
  hookUuid?: string;
  clientKey?: string;
  requestUuid: string; // the same on every attempt
  headers: Record<string, string>; // as sent on the last attempt
  body: Buffer; // the exact bytes sent
  attempts: DeliveryAttempt[];
  delivered: boolean; // some attempt got a 2xx
  at: string;
}

export async function deliverEvent(ctx: SimContext, data: RepoData, payload: Payload): Promise<DeliveryResult[]> {
  const hooks = data.hooks.filter((h) => h.active && h.events.includes(payload.event));
  const apps = ctx.state
    .appsInWorkspace(data.repo.workspace)
    .filter((a) => grantedScopes(a.descriptor).has(scopeForEvent(payload.event)))
    .flatMap((app) => (app.descriptor.modules?.webhooks ?? []).filter((m) => m.event === payload.event).map((m) => ({ app, path: m.url })));
  return Promise.all([
    ...hooks.map((hook) => toHook(ctx, hook, payload)),
    ...apps.map(({ app, path }) => toApp(ctx, app, appUrl(app.descriptor, path), payload)),
  ]);
}

function toHook(ctx: SimContext, hook: SimHook, payload: Payload): Promise<DeliveryResult> {
  const body = Buffer.from(JSON.stringify(payload.body));
  const signature: Record<string, string> =
    hook.secret === null ? {} : { "X-Hub-Signature": `sha256=${createHmac("sha256", hook.secret).update(body).digest("hex")}` };
  return attempt(ctx, { target: "hook", event: payload.event, url: hook.url, hookUuid: hook.uuid, body }, () => ({
    ...signature,
    "X-Hook-UUID": hook.uuid.replace(/^\{|\}$/g, ""),
  }));
}

function toApp(ctx: SimContext, app: InstalledApp, url: string, payload: Payload): Promise<DeliveryResult> {
  const body = Buffer.from(JSON.stringify({ event: payload.event, data: payload.body }));
  // A fresh token per attempt, as a retry may come after the previous one's expiry.
  return attempt(ctx, { target: "connect", event: payload.event, url, clientKey: app.clientKey, body }, () => ({
    Authorization: `JWT ${signAppRequest(app, { method: "POST", url })}`,
  }));
}

type Target = Pick<DeliveryResult, "target" | "event" | "url" | "hookUuid" | "clientKey" | "body">;

async function attempt(ctx: SimContext, target: Target, extraHeaders: () => Record<string, string>): Promise<DeliveryResult> {
  const result: DeliveryResult = { ...target, requestUuid: randomUUID(), headers: {}, attempts: [], delivered: false, at: new Date().toISOString() };
  for (let n = 1; n <= MAX_ATTEMPTS; n++) {
    result.headers = {
      "Content-Type": "application/json",
      "User-Agent": "Bitbucket-Webhooks/2.0",
      "X-Event-Key": target.event,
      "X-Request-UUID": result.requestUuid,
      "X-Attempt-Number": String(n),
      ...extraHeaders(),
    };
    const outcome = await post(target.url, target.body, result.headers, ctx.deliveryTimeoutMs);
    result.attempts.push(
      outcome.status === null
        ? { attempt: n, status: null, error: outcome.error, durationMs: outcome.durationMs }
        : { attempt: n, status: outcome.status, durationMs: outcome.durationMs, responseBody: outcome.body },
    );
    result.delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    if (outcome.status === null || outcome.status < 500) break;
  }
  return result;
}
