/** The Connect front door: an express 4 app with the descriptor, lifecycle routes, the settings page and its API. */
import express, { type Express, type NextFunction, type Request, type Response, type Router } from "express";
import type { Registry } from "prom-client";
import type { Readiness } from "../ops/readiness";
import { requestLog } from "../ops/request-log";
import { mountAddon } from "./ace";
import type { ConnectDeps } from "./deps";
import type { DeliveryLog } from "../connections/delivery-log";
import type { ApiErrorBody } from "../connections/views";
import { connectionApi } from "./routes/connection-api";
import { deliveriesApi } from "./routes/deliveries-api";
import { healthRoutes } from "./routes/health";
import { metricsRoute } from "./routes/metrics";
import { installedRoute } from "./routes/installed";
import { settingsPageRoute } from "./routes/settings-page";
import { smartCommitsApi } from "./routes/smart-commits-api";
import { uninstalledRoute } from "./routes/uninstalled";
import { sendError } from "./send-error";
import { AssetVersions, staticAssets } from "./static-assets";
import { FRONTEND_DIR } from "../paths";

/** What the operations endpoints read: readiness inputs and the metrics registry. */
export interface OpsDeps {
  readiness(): Promise<Readiness>;
  registry: Registry;
}

/** The relay's receiving route (src/connect/routes/events.ts), built by the composition root. */
export interface RelayRoutes {
  events: Router;
  /** The delivery log behind /api/deliveries. */
  deliveryLog?: DeliveryLog;
}

export function buildConnectApp(deps: ConnectDeps, ops: OpsDeps, relay?: RelayRoutes): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  app.use(requestLog(deps.logger));
  // Before the body parser and ACE: probes and scrapes cost no more than they must.
  app.use(healthRoutes({ readiness: ops.readiness, logger: deps.logger }));
  app.get("/metrics", metricsRoute({ registry: ops.registry, token: deps.config.metricsToken }));
  // Before the JSON parser: events are read raw (their bytes are forwarded and signed as received).
  if (relay) app.use(relay.events);
  // ACE needs a body parser mounted before its routes (REFERENCE section 2); 64 KB is far above any lifecycle or settings body.
  app.use(express.json({ limit: "64kb" }));
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => (err ? sendError(res, err, deps.logger) : next()));
  mountAddon(app, deps.config, deps.tenants, deps.logger);

  app.post("/installed", installedRoute(deps));
  app.post("/uninstalled", uninstalledRoute(deps));
  const assets = new AssetVersions(FRONTEND_DIR);
  app.get("/settings", settingsPageRoute(deps, assets));
  app.use("/api/smart-commits", smartCommitsApi(deps)); // before /api: its own apiAuth, so calls are verified once
  if (relay?.deliveryLog) app.use("/api/deliveries", deliveriesApi(deps, relay.deliveryLog)); // before /api, like smart commits
  app.use("/api", connectionApi(deps));
  // After every API router (and its authentication): any other /api path, or method, is the API's own 404.
  app.use("/api", (_req: Request, res: Response) => {
    res.status(404).json({ error: { message: "There is no such settings API call.", code: "not-found" } } satisfies ApiErrorBody);
  });
  app.use("/static", staticAssets(FRONTEND_DIR, assets));
  return app;
}
