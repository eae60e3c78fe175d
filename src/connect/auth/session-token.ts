/**
 * Binds the settings page's API calls to the repository of the signed page load.
 * The page-load JWT (signed by Bitbucket, qsh over the URL with repoUuid/repoPath) names the repository;
 * the app then hands the page this token, an HMAC over {tenant, repository, user, expiry}. API calls carry
 * it beside a fresh AP.context.getToken() JWT; the repository always comes from here, never from the call.
 */
import crypto from "node:crypto";
import { AuthError } from "./errors";

export interface RepoSession {
  clientKey: string;
  repoUuid: string;
  repoFullName: string;
  /** The Bitbucket user of the page load, when known. */
  user: string | null;
  /** Expiry, epoch seconds. */
  exp: number;
}

export const SESSION_TTL_SECONDS = 8 * 60 * 60;

function mac(key: Buffer, body: string): Buffer {
  return crypto.createHmac("sha256", key).update(body).digest();
}

export function issueSessionToken(key: Buffer, session: RepoSession): string {
  const body = Buffer.from(JSON.stringify(session)).toString("base64url");
  return `${body}.${mac(key, body).toString("base64url")}`;
}

export function readSessionToken(key: Buffer, token: string | undefined, nowSeconds: number): RepoSession {
  const [body, sig, extra] = (token ?? "").split(".");
  if (!body || !sig || extra !== undefined) {
    throw new AuthError(401, "session-missing", "The page session is missing. Reload the settings page.");
  }
  const given = Buffer.from(sig, "base64url");
  const expected = mac(key, body);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new AuthError(401, "session-forged", "The page session is not valid. Reload the settings page.");
  }
  const session = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as RepoSession;
  if (session.exp <= nowSeconds) throw new AuthError(401, "session-expired", "The page session has expired. Reload the settings page.");
  return session;
}
