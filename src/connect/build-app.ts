/** The Connect front door: an express 4 app with the descriptor, lifecycle routes, the settings page and its API. */
import path from "node:path";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { mountAddon } from "./ace";
import type { ConnectDeps } from "./deps";
import { connectionApi } from "./routes/connection-api";
import { installedRoute } from "./routes/installed";
import { settingsPageRoute } from "./routes/settings-page";
import { uninstalledRoute } from "./routes/uninstalled";
import { sendError } from "./send-error";

export const FRONTEND_DIR = path.resolve(__dirname, "..", "..", __dirname.includes(`${path.sep}dist${path.sep}`) ? "frontend" : "dist/frontend");

export function buildConnectApp(deps: ConnectDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  // ACE needs a body parser mounted before its routes (REFERENCE section 2); 64 KB is far above any lifecycle or settings body.
  app.use(express.json({ limit: "64kb" }));
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => (err ? sendError(res, err, deps.logger) : next()));
  mountAddon(app, deps.config, deps.tenants, deps.logger);

  app.post("/installed", installedRoute(deps));
  app.post("/uninstalled", uninstalledRoute(deps));
  app.get("/settings", settingsPageRoute(deps));
  app.use("/api", connectionApi(deps));
  app.use("/static", express.static(FRONTEND_DIR, { maxAge: "1h", fallthrough: false }));
  app.get("/healthz", (_req, res) => res.json({ status: "ok" }));
  return app;
}
