/** A record of every REST call, for assertions: what was asked, what was answered, who asked. */
import type { RequestHandler } from "express";
import type { JwtClaims } from "./jwt-check";

export interface RequestLogEntry {
  method: string;
  path: string; // as sent, still percent-encoded
  query: Record<string, string | string[]>;
  status: number; // 0 when the connection was dropped before an answer
  claims?: JwtClaims; // decoded JWT claims, verified or not
  faultId?: number;
  at: string;
}

export function requestLogger(log: RequestLogEntry[]): RequestHandler {
  return (req, res, next) => {
    const at = new Date().toISOString();
    res.on("close", () => {
      const url = new URL(req.originalUrl, "http://sim");
      log.push({
        method: req.method,
        path: url.pathname,
        query: queryObject(url.searchParams),
        status: res.headersSent ? res.statusCode : 0,
        claims: res.locals.claims,
        faultId: res.locals.faultId,
        at,
      });
    });
    next();
  };
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}
