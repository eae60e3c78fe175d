/**
 * `/_sim/…`: the simulator driven over HTTP (JSON), for the sandbox and the browser test.
 * Never shows secrets: hooks carry `secret_set`, apps no shared secret, deliveries no Authorization header.
 */
import express, { Router, type Request, type Response } from "express";
import type { DeliveryResult } from "./deliver";
import { faultFromJson } from "./faults";
import type { BitbucketSim } from "./server";
import type { SimHook } from "./types";

export function controlRoutes(sim: BitbucketSim): Router {
  const r = Router();
  r.use(express.json({ limit: "1mb" }));
  const handle = (fn: (req: Request) => unknown) => async (req: Request, res: Response) => {
    try {
      const result = await fn(req);
      res.status(req.method === "POST" ? 201 : 200).json(result ?? { ok: true });
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  };

  r.get(
    "/state",
    handle(() => ({
      url: sim.url,
      repositories: sim.repositories(),
      apps: sim.apps().map(({ sharedSecret: _secret, ...app }) => app),
    })),
  );
  r.post("/workspaces", handle((req) => sim.addWorkspace(req.body.slug, req.body.name)));
  r.post("/users", handle((req) => sim.addUser(req.body.nickname, req.body.displayName)));
  r.post("/repositories", handle((req) => sim.addRepository(req.body.workspace, req.body.slug, req.body)));
  r.post("/commits", handle((req) => sim.addCommits(req.body.repo, req.body.commits ?? [], req.body.branch)));
  r.get("/hooks", handle((req) => sim.hooks(String(req.query.repo)).map(withoutSecret)));
  r.post("/hooks", handle((req) => withoutSecret(sim.addHook(req.body.repo, req.body.hook))));
  r.post("/install", handle((req) => sim.install(req.body.appBaseUrl, req.body.workspace, req.body)));
  r.post("/uninstall", handle((req) => sim.uninstall(req.body.clientKey, req.body)));
  r.get("/lifecycle", handle(() => sim.lifecycleCalls));
  r.post("/push", handle(async (req) => summarise(await sim.push(req.body.repo, req.body))));
  r.post("/pull-request", handle(async (req) => summarise(await sim.pullRequest(req.body.repo, req.body))));
  r.get("/deliveries", handle(() => sim.deliveries.map(deliveryJson)));
  r.get("/requests", handle(() => sim.requests));
  r.get("/faults", handle(() => sim.faults.list().map((f) => ({ ...f, pathPattern: f.pathPattern?.toString() }))));
  r.post("/faults", handle((req) => ({ id: sim.faults.add(faultFromJson(req.body)).id })));
  r.delete("/faults/:id", handle((req) => sim.faults.remove(Number(req.params.id))));
  r.delete("/faults", handle(() => sim.faults.clear()));
  r.post("/reset", handle(() => sim.reset()));
  return r;
}

function withoutSecret({ secret, ...hook }: SimHook) {
  return { ...hook, secret_set: secret !== null };
}

function deliveryJson(d: DeliveryResult) {
  const { Authorization: _jwt, ...headers } = d.headers;
  return { ...d, headers, body: d.body.toString("utf8") };
}

function summarise(outcome: { event: string; payload: object; deliveries: DeliveryResult[] }) {
  return { ...outcome, deliveries: outcome.deliveries.map(deliveryJson) };
}
