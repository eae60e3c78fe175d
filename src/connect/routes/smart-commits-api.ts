/** GET /api/smart-commits/preview?pattern=…: thin translation to the SmartCommitPreviewer. The repository is always res.locals.scope. */
import express, { type Request, type Response, type Router } from "express";
import { UserError } from "../../connections/errors";
import type { RepoScope } from "../../db/connection-store";
import { apiAuth } from "../auth/api-auth";
import type { ConnectDeps } from "../deps";
import { sendError } from "../send-error";

/** Mount at /api/smart-commits. */
export function smartCommitsApi(deps: ConnectDeps): Router {
  const router = express.Router();
  router.use(apiAuth(deps));
  router.get("/preview", async (req: Request, res: Response) => {
    try {
      const pattern = req.query.pattern;
      if (pattern !== undefined && typeof pattern !== "string") {
        throw new UserError("Give one story key pattern.", "malformed", "storyKeyPattern");
      }
      res.json(await deps.smartCommits.preview(res.locals.scope as RepoScope, pattern));
    } catch (err) {
      sendError(res, err, deps.logger);
    }
  });
  return router;
}
