/** The delivery log API (mount at /api/deliveries): thin translation to DeliveryLog. The repository is always res.locals.scope. */
import express, { type Request, type Response, type Router } from "express";
import type { DeliveryLog } from "../../connections/delivery-log";
import type { RepoScope } from "../../db/connection-store";
import { apiAuth } from "../auth/api-auth";
import type { ConnectDeps } from "../deps";
import { sendError } from "../send-error";

export function deliveriesApi(deps: ConnectDeps, log: DeliveryLog): Router {
  const router = express.Router();
  router.use(apiAuth(deps));
  const handle = (action: (scope: RepoScope, req: Request) => Promise<unknown>) => async (req: Request, res: Response) => {
    try {
      res.json(await action(res.locals.scope as RepoScope, req));
    } catch (err) {
      sendError(res, err, deps.logger);
    }
  };
  router.get("/", handle((scope, req) => log.list(scope, req.query)));
  router.get("/stats", handle((scope, req) => log.stats(scope, req.query)));
  router.post("/test", handle((scope) => log.sendTestEvent(scope)));
  router.post("/redeliver-failed", handle((scope, req) => log.redeliverFailed(scope, req.body)));
  router.post("/:id/redeliver", handle((scope, req) => log.redeliver(scope, req.params.id)));
  return router;
}
