/**
 * Authenticates a settings API call: a fresh context JWT from AP.context.getToken() (who, which tenant)
 * plus the page's session token (which repository). Both must name the same tenant and user.
 * The verified scope is left in res.locals.scope; nothing else in the request can change it.
 */
import type { NextFunction, Request, Response } from "express";
import type { RepoScope } from "../../db/connection-store";
import type { ConnectDeps } from "../deps";
import { sendError } from "../send-error";
import { AuthError } from "./errors";
import { readSessionToken } from "./session-token";
import { verifyRequestJwt } from "./request-jwt";
import { readJwt } from "./verify-jwt";

export function apiAuth(deps: ConnectDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = readJwt(req.headers.authorization, {});
      if (!token) throw new AuthError(401, "jwt-missing", "The call carries no Bitbucket token. Reload the settings page.");
      const verified = await verifyRequestJwt(deps, req, token, "context");
      const session = readSessionToken(deps.keys.sessionKey, req.header("x-arm-session"), deps.nowSeconds());
      if (session.clientKey !== verified.clientKey || (session.user && verified.subject && session.user !== verified.subject)) {
        throw new AuthError(403, "scope-mismatch", "This page session belongs to another workspace or user. Reload the settings page.");
      }
      const scope: RepoScope = { clientKey: session.clientKey, repoUuid: session.repoUuid, repoFullName: session.repoFullName };
      res.locals.scope = scope;
      next();
    } catch (err) {
      sendError(res, err, deps.logger);
    }
  };
}
