/** The ARM webhook endpoints: raw body (never re-serialised, 1 MB at most), judged, recorded, answered; faults first. */
import express, { Router, type ErrorRequestHandler, type Request } from "express";
import { applyFault, type Faults } from "../bitbucket/faults";
import type { ArmDelivery, DeliveryLog } from "./delivery-log";
import { judge } from "./judge";

const MAX_BODY = "1mb";

export interface ReceiverDeps {
  tokens: ReadonlyMap<string, string>;
  log: DeliveryLog;
  faults: Faults;
}

export function webhookRoutes(deps: ReceiverDeps): Router {
  const r = Router();
  r.post("*", express.raw({ type: () => true, limit: MAX_BODY }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { answer, ...verdict } = judge(req.path, deps.tokens, body, req.get("x-hub-signature"));
    const delivery: ArmDelivery = { path: req.path, headers: headersOf(req), body, ...verdict, receivedAt: new Date().toISOString() };
    const fault = deps.faults.take(req.method, req.originalUrl);
    const respond = () => void res.status(verdict.status).json(answer);
    if (!fault) {
      deps.log.add(delivery);
      return respond();
    }
    delivery.faultId = fault.id;
    if (fault.hang || fault.dropConnection) Object.assign(delivery, { status: 0, accepted: false });
    else if (fault.status !== undefined) Object.assign(delivery, { status: fault.status, accepted: false });
    deps.log.add(delivery);
    applyFault(fault, req, res, respond, (status) => ({ message: `HTTP ${status}` }));
  });

  const tooLarge: ErrorRequestHandler = (err: { status?: number }, req, res, _next) => {
    const status = err.status === 413 ? 413 : 400;
    const { answer: _answer, ...verdict } = judge(req.path, deps.tokens, Buffer.alloc(0), undefined);
    deps.log.add({
      ...verdict,
      path: req.path,
      headers: headersOf(req),
      body: Buffer.alloc(0),
      accepted: false,
      status,
      receivedAt: new Date().toISOString(),
    });
    res.status(status).json({ message: status === 413 ? "Payload too large (1 MB at most)." : "Unreadable request body." });
  };
  r.use(tooLarge);
  return r;
}

function headersOf(req: Request): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
}
