/**
 * POST /events: Bitbucket's event deliveries to the app (the descriptor's `webhooks` module). The JWT is checked
 * from the headers before any of the body is read, so nothing unauthenticated is ever stored. Then the raw body
 * (at most 256 KB, never re-serialised) is parsed and handed to the outbox writer; the answer waits for its commit.
 *
 * Answers: 202 stored for delivery; 200 already stored (Bitbucket re-sent it); 204 not for the relay (repository
 * not connected, in direct mode, or no endpoint wants the event); 400 malformed and 413 too large (both recorded
 * as rejected); 401 bad JWT (nothing stored); 503 the database could not take it (Bitbucket retries 5xx twice).
 */
import { randomUUID } from "node:crypto";
import express, { Router, type NextFunction, type Request, type Response } from "express";
import type { ApiErrorBody } from "../../connections/views";
import type { Logger } from "../../log";
import type { RelayMetrics } from "../../ops/metrics";
import type { Inbound, OutboxWriter } from "../../relay/outbox-writer";
import { isEventKey, parseDelivery } from "../../relay/parse-delivery";
import { TtlCache } from "../../relay/ttl-cache";
import { AuthError } from "../auth/errors";
import { readJwt, verifyConnectJwt, type VerifiedJwt } from "../auth/verify-jwt";
import { sendError } from "../send-error";

/** Bitbucket may drop larger payloads itself (REFERENCE section 4). */
export const MAX_EVENT_BYTES = 256 * 1024;
/** Shared secrets are looked up once per this period per tenant, not once per event. */
const SECRET_TTL_MS = 5_000;
/** A re-install changes the secret: on these failures the secret is looked up afresh before refusing. */
const STALE_SECRET_CODES = new Set(["jwt-signature", "unknown-tenant"]);
const REQUEST_UUID = /^[\x21-\x7e]{1,64}$/;

export interface EventsDeps {
  /** The app's public base URL (the JWT's qsh is computed relative to it). */
  baseUrl: string;
  lookupSecret(clientKey: string): Promise<string | null>;
  writer: OutboxWriter;
  metrics: RelayMetrics;
  logger: Logger;
  /** ms since the epoch */
  now(): number;
}

type Refusal = { status: 400 | 413; code: string; message: string };

export function eventsRoute(deps: EventsDeps): Router {
  const secrets = new TtlCache<string, string | null>(SECRET_TTL_MS, deps.now);

  const verify = async (token: string, req: Request): Promise<VerifiedJwt> => {
    let cachedKey: string | null = null;
    const base = { request: { method: req.method, originalUrl: req.originalUrl }, baseUrl: deps.baseUrl, qsh: "request" as const, nowSeconds: Math.floor(deps.now() / 1000) };
    const cached = (key: string) => {
      cachedKey = key;
      return secrets.get(key, (k) => deps.lookupSecret(k));
    };
    try {
      return await verifyConnectJwt(token, { ...base, lookupSecret: cached });
    } catch (err) {
      if (!(err instanceof AuthError) || cachedKey === null || !STALE_SECRET_CODES.has(err.code)) throw err;
      secrets.delete(cachedKey);
      return verifyConnectJwt(token, { ...base, lookupSecret: cached });
    }
  };

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = readJwt(req.headers.authorization, req.query);
      if (!token) throw new AuthError(401, "jwt-missing", "The event carries no Bitbucket JWT.");
      res.locals.clientKey = (await verify(token, req)).clientKey;
      next();
    } catch (err) {
      sendError(res, err, deps.logger);
    }
  };

  const answer = async (res: Response, item: Inbound, refusal?: Refusal) => {
    try {
      const result = await deps.writer.submit(item);
      deps.metrics.received.inc({ outcome: result.outcome });
      if (result.outcome === "accepted") return void res.status(202).json({ status: "accepted", deliveries: result.deliveries });
      if (result.outcome === "duplicate") return void res.status(200).json({ status: "duplicate" });
      if (result.outcome === "ignored") return void res.status(204).end();
      const r = refusal ?? { status: 400, code: "malformed-event", message: "The event was refused." };
      res.status(r.status).json({ error: { message: r.message, code: r.code } } satisfies ApiErrorBody);
    } catch (err) {
      deps.logger.error({ err, requestUuid: item.requestUuid }, "An event could not be stored");
      res.status(503).json({ error: { message: "The event could not be stored right now; Bitbucket will retry it.", code: "store-unavailable" } } satisfies ApiErrorBody);
    }
  };

  const common = (req: Request, res: Response) => ({
    clientKey: res.locals.clientKey as string,
    requestUuid: requestUuidOf(req),
    receivedAt: new Date(deps.now()),
  });

  const receive = async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const parsed = parseDelivery(body, req.get("x-event-key"));
    if (parsed.ok) {
      const { eventKey, repoUuid, payload, bytes } = parsed;
      return answer(res, { ...common(req, res), kind: "event", eventKey, repoUuid, payload, bytes });
    }
    const item: Inbound = { ...common(req, res), kind: "rejected", eventKey: parsed.eventKey, reason: parsed.reason, bodySize: body.length };
    return answer(res, item, { status: 400, code: "malformed-event", message: parsed.reason });
  };

  /** The raw body parser's failures: too large, or unreadable. Both are recorded as rejected. */
  const bodyError = async (err: { type?: string; length?: number }, req: Request, res: Response, _next: NextFunction) => {
    if (err?.type === "request.aborted") return; // the sender is gone: there is nobody to answer
    const tooLarge = err?.type === "entity.too.large";
    const refusal: Refusal = tooLarge
      ? { status: 413, code: "too-large", message: `The event is larger than the ${MAX_EVENT_BYTES / 1024} KB the relay accepts.` }
      : { status: 400, code: "unreadable-body", message: "The event's body could not be read." };
    const bodySize = Number(err?.length ?? req.get("content-length") ?? 0) || 0;
    const eventKey = req.get("x-event-key")?.trim() ?? null;
    const item: Inbound = { ...common(req, res), kind: "rejected", eventKey: eventKey && isEventKey(eventKey) ? eventKey : null, reason: refusal.message, bodySize };
    await answer(res, item, refusal);
  };

  const router = Router();
  router.post("/events", authenticate, express.raw({ type: () => true, limit: MAX_EVENT_BYTES }), receive, bodyError);
  return router;
}

/** Bitbucket's id for this delivery (the same on its retries); a fresh one when it sent none, so nothing is deduped wrongly. */
function requestUuidOf(req: Request): string {
  const given = req.get("x-request-uuid")?.trim();
  return given && REQUEST_UUID.test(given) ? given : randomUUID();
}
