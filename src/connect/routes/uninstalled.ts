/** POST /uninstalled, signed with the tenant's secret: forget the tenant, its connections and every stored token. */
import type { Request, Response } from "express";
import { UserError } from "../../connections/errors";
import { verifyLifecycleCall } from "../auth/lifecycle-auth";
import type { ConnectDeps } from "../deps";
import { sendError } from "../send-error";

export function uninstalledRoute(deps: ConnectDeps) {
  return async (req: Request, res: Response) => {
    try {
      const clientKey = typeof req.body?.clientKey === "string" ? req.body.clientKey : "";
      if (!clientKey) throw new UserError("The uninstall payload has no clientKey.", "uninstall-invalid");
      await verifyLifecycleCall(req, clientKey, deps);
      await deps.tenants.remove(clientKey);
      deps.logger.info({ clientKey }, "App uninstalled; tenant secrets removed");
      res.status(204).end();
    } catch (err) {
      sendError(res, err, deps.logger);
    }
  };
}
