/** Liveness and readiness for load balancers and orchestrators; unauthenticated, never cached, no secrets. */
import { Router } from "express";
import type { Logger } from "../../log";
import type { Readiness } from "../../ops/readiness";

export interface HealthDeps {
  readiness(): Promise<Readiness>;
  logger: Logger;
}

export function healthRoutes(deps: HealthDeps): Router {
  const r = Router();
  // Process up: no I/O, so a slow database never gets a healthy process restarted.
  r.get("/healthz", (_req, res) => void res.set("Cache-Control", "no-store").json({ status: "ok" }));
  r.get("/readyz", async (_req, res) => {
    const { ready, checks, databaseError } = await deps.readiness();
    if (!ready) deps.logger.warn({ checks, databaseError }, "Not ready");
    res.set("Cache-Control", "no-store").status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
  });
  return r;
}
