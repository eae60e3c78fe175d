/**
 * Turns any failure into the settings API's error body: a plain sentence and a code, never a stack trace.
 * Unexpected errors are logged with a reference the admin can quote.
 */
import crypto from "node:crypto";
import type { Response } from "express";
import { BitbucketApiError } from "../bitbucket/errors";
import { UserError } from "../connections/errors";
import type { Logger } from "../log";
import { AuthError } from "./auth/errors";
import type { ApiErrorBody } from "../connections/views";

export function sendError(res: Response, err: unknown, logger: Logger): void {
  const send = (status: number, error: ApiErrorBody["error"]) => {
    if (!res.headersSent) res.status(status).json({ error } satisfies ApiErrorBody);
  };
  if (err instanceof AuthError) return send(err.status, { message: err.message, code: err.code });
  if (err instanceof UserError) return send(err.status, { message: err.message, code: err.code, field: err.field });
  if (err instanceof BitbucketApiError) {
    logger.warn({ status: err.status, code: err.code }, "Bitbucket call failed");
    return send(err.code === "rate-limited" ? 503 : 502, { message: err.message, code: `bitbucket-${err.code}` });
  }
  const body = (err as { type?: string; status?: number; expose?: boolean }) ?? {};
  if (body.type === "entity.too.large") return send(413, { message: "The request body is too large.", code: "too-large" });
  if (body.type === "entity.parse.failed") return send(400, { message: "The request body is not valid JSON.", code: "malformed-json" });
  // The body parser's other refusals (unsupported charset or content encoding, corrupt compressed body) are the caller's, not ours.
  if (body.expose === true && typeof body.status === "number" && body.status >= 400 && body.status < 500) {
    return send(body.status, { message: "The request body could not be read; send plain UTF-8 JSON.", code: "unreadable-body" });
  }
  // The request id (ops/request-log.ts) links what the admin quotes to this line and to the request's own log line.
  const ref = typeof res.locals.requestId === "string" ? res.locals.requestId : crypto.randomBytes(4).toString("hex");
  logger.error({ err, reqId: ref }, "Unexpected error");
  send(500, { message: `Something went wrong on our side. Quote reference ${ref} if you contact support.`, code: "internal" });
}
