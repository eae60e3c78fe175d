/**
 * One log line per failed request (status >= 400, or the client gone before the answer), carrying a
 * request id that is also sent back as X-Request-Id, so a report from the field can be matched to the log.
 * Only the path is logged: query strings carry page JWTs (?jwt=…) and headers carry tokens.
 */
import crypto from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../log";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    const reqId = given && SAFE_ID.test(given) ? given : crypto.randomUUID();
    res.locals.requestId = reqId;
    res.set("X-Request-Id", reqId);
    const started = performance.now();
    const line = () => ({
      reqId,
      method: req.method,
      path: req.originalUrl.split("?")[0],
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
      // Bitbucket's delivery id, when there is one: the key to its own delivery log.
      ...(req.get("x-request-uuid") ? { bitbucketRequest: req.get("x-request-uuid")!.slice(0, 64) } : {}),
    });
    // One listener: "close" follows "finish" too. Successful requests are logged only at debug, and their
    // line is built only then (the events route answers thousands a second).
    res.once("close", () => {
      if (!res.writableFinished) logger.warn({ ...line(), status: null }, "Request aborted before the answer was sent");
      else if (res.statusCode >= 500) logger.error(line(), "Request failed");
      else if (res.statusCode >= 400) logger.warn(line(), "Request failed");
      else if (logger.isLevelEnabled("debug")) logger.debug(line(), "Request");
    });
    next();
  };
}
