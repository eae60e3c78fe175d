/** JWTs Bitbucket sends to an app (lifecycle, Connect webhooks, page loads, context tokens): HS256, iss = aud = clientKey. */
import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import type { InstalledApp } from "./types";

const PAGE_TOKEN_TTL_SECONDS = 180;

/** qsh of a request; with `baseUrl`, the path is taken relative to it (as the app computes it). */
export function qshOf(method: string, url: string, baseUrl?: string): string {
  return createQueryStringHash(fromMethodAndUrl(method, url), false, baseUrl);
}

export interface AppRequestToken {
  method: string;
  url: string; // absolute URL on the app
  sub?: string; // user uuid, for page loads
  /** Sign with this secret instead of the app's current one (previous secret on re-install, a wrong one in negative tests). */
  secret?: string;
}

export function signAppRequest(app: Pick<InstalledApp, "clientKey" | "sharedSecret" | "descriptor">, req: AppRequestToken): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: app.clientKey,
    aud: app.clientKey,
    ...(req.sub ? { sub: req.sub } : {}),
    iat: now,
    exp: now + PAGE_TOKEN_TTL_SECONDS,
    qsh: qshOf(req.method, req.url, app.descriptor.baseUrl),
  };
  return encodeSymmetric(claims, req.secret ?? app.sharedSecret, SymmetricAlgorithm.HS256);
}

/** What AP.context.getToken() yields: no request to bind to, hence the fixed qsh "context-qsh". */
export function signContextToken(app: Pick<InstalledApp, "clientKey" | "sharedSecret">, sub: string, context: object): string {
  const now = Math.floor(Date.now() / 1000);
  return encodeSymmetric(
    { iss: app.clientKey, aud: app.clientKey, sub, iat: now, exp: now + PAGE_TOKEN_TTL_SECONDS, qsh: "context-qsh", context },
    app.sharedSecret,
    SymmetricAlgorithm.HS256,
  );
}
