/**
 * Verifies the HS256 JWTs Bitbucket sends: page loads, lifecycle calls, webhook deliveries, and the
 * context tokens the page gets from AP.context.getToken(). Built on atlassian-jwt (timing-safe
 * signature check, algorithm pinned); this module adds the tenant lookup, expiry and qsh rules.
 */
import * as jwt from "atlassian-jwt";
import { AuthError } from "./errors";

export interface VerifiedJwt {
  clientKey: string;
  /** The acting user's id when Bitbucket says who it is. */
  subject: string | null;
  claims: Record<string, unknown>;
}

export interface JwtRequest {
  method: string;
  /** Path and query as received, e.g. /settings?repoUuid=…&jwt=… */
  originalUrl: string;
}

/**
 * `request`: qsh must match this request (page loads, lifecycle, webhooks).
 * `context`: qsh must be "context-qsh" (tokens from AP.context.getToken()).
 */
export type QshRule = "request" | "context";

const CLOCK_SKEW_SECONDS = 30;

export function readJwt(authorization: string | undefined, query: Record<string, unknown>): string | null {
  if (typeof query.jwt === "string" && query.jwt) return query.jwt;
  if (authorization?.startsWith("JWT ")) return authorization.slice(4).trim();
  return null;
}

export async function verifyConnectJwt(
  token: string,
  opts: {
    lookupSecret: (clientKey: string) => Promise<string | null>;
    request: JwtRequest;
    /** The app's public base URL: its path prefix is not part of the canonical request. */
    baseUrl: string;
    qsh: QshRule;
    nowSeconds: number;
  },
): Promise<VerifiedJwt> {
  let unverified: Record<string, unknown>;
  try {
    if (jwt.getAlgorithm(token) !== jwt.SymmetricAlgorithm.HS256) throw new Error("algorithm");
    unverified = jwt.decodeSymmetric(token, "", jwt.SymmetricAlgorithm.HS256, true);
  } catch {
    throw new AuthError(401, "jwt-malformed", "The request's authentication token is not a valid HS256 JWT.");
  }
  const clientKey = unverified.iss;
  if (typeof clientKey !== "string" || !clientKey) {
    throw new AuthError(401, "jwt-no-issuer", "The authentication token does not say which installation sent it (no iss claim).");
  }
  const secret = await opts.lookupSecret(clientKey);
  if (!secret) throw new AuthError(401, "unknown-tenant", "This Bitbucket workspace has not installed the app (or has uninstalled it).");

  let claims: Record<string, unknown>;
  try {
    claims = jwt.decodeSymmetric(token, secret, jwt.SymmetricAlgorithm.HS256, false);
  } catch {
    throw new AuthError(401, "jwt-signature", "The authentication token's signature is not valid for this installation.");
  }
  if (typeof claims.exp !== "number") throw new AuthError(401, "jwt-no-expiry", "The authentication token has no expiry.");
  if (opts.nowSeconds >= claims.exp + CLOCK_SKEW_SECONDS) {
    throw new AuthError(401, "jwt-expired", "The authentication token has expired. Reload the page and try again.");
  }
  if (typeof claims.iat === "number" && claims.iat > opts.nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new AuthError(401, "jwt-future", "The authentication token was issued in the future; check the server clock.");
  }
  const expectedQsh =
    opts.qsh === "context"
      ? "context-qsh"
      : jwt.createQueryStringHash(jwt.fromMethodAndUrl(opts.request.method, opts.request.originalUrl), false, opts.baseUrl);
  if (claims.qsh !== expectedQsh) {
    throw new AuthError(
      401,
      "jwt-qsh",
      opts.qsh === "context"
        ? "This call needs a context token from the page (AP.context.getToken())."
        : "The authentication token was issued for a different request.",
    );
  }
  return { clientKey, subject: typeof claims.sub === "string" ? claims.sub : null, claims };
}
