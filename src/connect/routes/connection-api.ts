/** The settings API: thin translation between HTTP and the ConnectionService. The repository is always res.locals.scope. */
import express, { type Request, type Response, type Router } from "express";
import type { RepoScope } from "../../db/connection-store";
import { apiAuth } from "../auth/api-auth";
import type { ConnectDeps } from "../deps";
import { sendError } from "../send-error";

export function connectionApi(deps: ConnectDeps): Router {
  const router = express.Router();
  router.use(apiAuth(deps));
  const handle =
    (action: (scope: RepoScope, body: unknown) => Promise<unknown>, status = 200) =>
    async (req: Request, res: Response) => {
      try {
        res.status(status).json(await action(res.locals.scope as RepoScope, req.body));
      } catch (err) {
        sendError(res, err, deps.logger);
      }
    };
  const svc = deps.connections;
  router.get("/connection", handle((scope) => svc.view(scope)));
  router.put("/connection", handle((scope, body) => svc.connect(scope, body)));
  router.post("/connection/reconnect", handle((scope) => svc.reconnect(scope)));
  router.put("/connection/token", handle((scope, body) => svc.replaceToken(scope, body)));
  router.delete("/connection", handle((scope) => svc.disconnect(scope)));
  return router;
}
