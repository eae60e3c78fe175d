/** `/_sim/…` on the ARM simulator (JSON): deliveries, tokens (write-only), faults, reset. */
import express, { Router } from "express";
import { faultFromJson } from "../bitbucket/faults";
import type { ArmDelivery } from "./delivery-log";
import type { ArmSim } from "./server";

export function controlRoutes(arm: ArmSim): Router {
  const r = Router();
  r.use(express.json());
  r.get("/deliveries", (_req, res) => void res.json(arm.deliveries.map(deliveryJson)));
  r.get("/orgs", (_req, res) => void res.json(arm.orgs()));
  r.post("/tokens", (req, res) => {
    const { org, token } = req.body ?? {};
    if (typeof org !== "string" || typeof token !== "string" || !org || !token) return void res.status(400).json({ error: "org and token are required" });
    arm.setToken(org, token);
    res.status(204).end();
  });
  r.delete("/tokens/:org", (req, res) => {
    arm.removeToken(req.params.org);
    res.status(204).end();
  });
  r.get("/faults", (_req, res) => void res.json(arm.faults.list().map((f) => ({ ...f, pathPattern: f.pathPattern?.toString() }))));
  r.post("/faults", (req, res) => void res.status(201).json({ id: arm.faults.add(faultFromJson(req.body ?? {})).id }));
  r.delete("/faults/:id", (req, res) => {
    arm.faults.remove(Number(req.params.id));
    res.status(204).end();
  });
  r.delete("/faults", (_req, res) => {
    arm.faults.clear();
    res.status(204).end();
  });
  r.post("/reset", (_req, res) => {
    arm.reset();
    res.status(204).end();
  });
  return r;
}

function deliveryJson(d: ArmDelivery) {
  return { ...d, body: d.body.toString("utf8"), bodyBase64: d.body.toString("base64") };
}
