/** verifyConnectJwt for an express request, with this app's tenants, base URL and clock. */
import type { Request } from "express";
import type { ConnectDeps } from "../deps";
import { verifyConnectJwt, type QshRule, type VerifiedJwt } from "./verify-jwt";

export function verifyRequestJwt(deps: ConnectDeps, req: Request, token: string, qsh: QshRule): Promise<VerifiedJwt> {
  return verifyConnectJwt(token, {
    lookupSecret: async (clientKey) => (await deps.tenants.get(clientKey))?.sharedSecret ?? null,
    request: { method: req.method, originalUrl: req.originalUrl },
    baseUrl: deps.config.baseUrl,
    qsh,
    nowSeconds: deps.nowSeconds(),
  });
}
