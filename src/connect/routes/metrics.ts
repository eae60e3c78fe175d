/** Prometheus text for scrapers; behind a bearer token when METRICS_TOKEN is set. */
import crypto from "node:crypto";
import type { RequestHandler } from "express";
import type { Registry } from "prom-client";

export function metricsRoute(deps: { registry: Registry; token: string | null }): RequestHandler {
  const expected = deps.token === null ? null : digest(deps.token);
  return async (req, res, next) => {
    if (expected !== null) {
      const given = /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "")?.[1]?.trim() ?? "";
      // Compare digests so the comparison is constant-time whatever the lengths.
      if (!crypto.timingSafeEqual(digest(given), expected)) {
        res.set("WWW-Authenticate", 'Bearer realm="metrics"');
        return void res.status(401).json({ error: { message: "The metrics need a bearer token (METRICS_TOKEN).", code: "metrics-token" } });
      }
    }
    try {
      const text = await deps.registry.metrics();
      // setHeader, not res.set: express would reorder the parameters of the exposition format's content type.
      res.setHeader("Content-Type", deps.registry.contentType);
      res.set("Cache-Control", "no-store").end(text);
    } catch (err) {
      next(err);
    }
  };
}

function digest(value: string): Buffer {
  return crypto.createHash("sha256").update(value).digest();
}
