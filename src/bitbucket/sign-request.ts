/** Signs a REST call made as the app (REFERENCE section 2: HS256 JWT with qsh, sent in the Authorization header). */
import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl } from "atlassian-jwt";
import type { AppCredentials } from "./types";

/** Bitbucket accepts app tokens for a short while; three minutes covers clock skew without a long replay window. */
export const APP_JWT_LIFETIME_SECONDS = 180;

/**
 * The full `Authorization` header value, `JWT <token>`, for one request. `now` is in seconds. The qsh covers the
 * method, the path relative to `creds.baseApiUrl` (e.g. `/2.0/repositories/ws/repo/hooks`) and the query.
 */
export function signAppRequest(creds: AppCredentials, method: string, absoluteUrl: string, now: number): string {
  const qsh = createQueryStringHash(fromMethodAndUrl(method.toUpperCase(), absoluteUrl), false, creds.baseApiUrl);
  const iat = Math.floor(now);
  const token = encodeSymmetric(
    { iss: creds.appKey, sub: creds.clientKey, iat, exp: iat + APP_JWT_LIFETIME_SECONDS, qsh },
    creds.sharedSecret,
  );
  return `JWT ${token}`;
}
