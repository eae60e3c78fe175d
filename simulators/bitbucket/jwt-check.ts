/**
 * Authentication of REST calls made by an app: `Authorization: JWT <token>`, HS256 with the tenant's shared
 * secret, iss = app key, sub = clientKey, exp in the future, iat present, qsh of the path relative to the API root.
 */
import { decodeSymmetric, SymmetricAlgorithm } from "atlassian-jwt";
import type { RequestHandler } from "express";
import { qshOf } from "./connect-jwt";
import { sendError } from "./errors";
import type { SimState } from "./state";
import type { InstalledApp } from "./types";

export interface JwtClaims {
  iss?: string;
  sub?: string;
  iat?: number;
  exp?: number;
  qsh?: string;
  [claim: string]: unknown;
}

export type JwtVerdict = { ok: true; app: InstalledApp; claims: JwtClaims } | { ok: false; message: string; claims?: JwtClaims };

export function verifyRestJwt(state: SimState, authorization: string | undefined, method: string, pathAndQuery: string): JwtVerdict {
  const token = /^JWT (\S+)$/.exec(authorization ?? "")?.[1];
  if (!token) return { ok: false, message: "Authentication required: send Authorization: JWT <token>." };
  let claims: JwtClaims;
  try {
    claims = decodeSymmetric(token, "", SymmetricAlgorithm.HS256, true);
  } catch {
    return { ok: false, message: "Malformed JWT, or an algorithm other than HS256." };
  }
  const app = claims.sub === undefined ? undefined : state.apps.get(claims.sub);
  if (!app) return { ok: false, message: "No installed app for the JWT subject (sub must be the clientKey).", claims };
  if (claims.iss !== app.key) return { ok: false, message: "JWT issuer (iss) must be the app key.", claims };
  try {
    decodeSymmetric(token, app.sharedSecret, SymmetricAlgorithm.HS256);
  } catch {
    return { ok: false, message: "JWT signature verification failed.", claims };
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.iat !== "number") return { ok: false, message: "JWT has no iat claim.", claims };
  if (typeof claims.exp !== "number" || claims.exp <= now) return { ok: false, message: "JWT expired.", claims };
  if (claims.qsh !== qshOf(method, pathAndQuery)) return { ok: false, message: "JWT query string hash (qsh) does not match the request.", claims };
  return { ok: true, app, claims };
}

/**
 * Sets `res.locals.app` (the caller) and `res.locals.claims` (decoded, verified or not, for the request log).
 * `optional`: public endpoints accept calls without a token, but still refuse a bad one.
 */
export function jwtCheck(state: SimState, optional = false): RequestHandler {
  return (req, res, next) => {
    const authorization = req.headers.authorization;
    if (optional && !authorization) return next();
    const verdict = verifyRestJwt(state, authorization, req.method, req.originalUrl);
    res.locals.claims = verdict.claims;
    if (!verdict.ok) return sendError(res, 401, verdict.message);
    res.locals.app = verdict.app;
    next();
  };
}
