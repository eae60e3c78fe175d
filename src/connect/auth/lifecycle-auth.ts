/** Checks a signed lifecycle call (re-install, uninstall): valid JWT of the stored tenant, for this very request and client key. */
import type { Request } from "express";
import type { ConnectDeps } from "../deps";
import { AuthError } from "./errors";
import { verifyRequestJwt } from "./request-jwt";
import { readJwt } from "./verify-jwt";

export async function verifyLifecycleCall(req: Request, clientKey: string, deps: ConnectDeps): Promise<void> {
  const token = readJwt(req.headers.authorization, req.query);
  if (!token) throw new AuthError(401, "jwt-missing", "This installation already exists: the call must be signed with its shared secret.");
  const verified = await verifyRequestJwt(deps, req, token, "request");
  if (verified.clientKey !== clientKey) {
    throw new AuthError(403, "client-mismatch", "The call is signed by a different installation than the one it names.");
  }
}
