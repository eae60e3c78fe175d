/** The AutoRABIT ARM simulator: the webhook endpoints of REFERENCE section 1, a delivery log, faults and outages. */
import { createServer } from "node:http";
import express from "express";
import { Faults } from "../bitbucket/faults";
import { closeServer, listenOn } from "../bitbucket/listen";
import { controlRoutes } from "./control-routes";
import { DeliveryLog, type ArmDelivery } from "./delivery-log";
import { webhookRoutes } from "./webhook-routes";

export interface ArmSimOptions {
  port?: number; // default 0: any free port
}

export interface ArmSim {
  /** http://127.0.0.1:PORT: use it as the ARM instance origin. Stays the same across refuseConnections()/resume(). */
  readonly url: string;
  /** Registers an org's webhook token (the key of X-Hub-Signature). */
  setToken(org: string, token: string): void;
  removeToken(org: string): void;
  orgs(): string[];
  readonly deliveries: ArmDelivery[];
  waitForDeliveries(n: number, timeoutMs?: number): Promise<ArmDelivery[]>;
  readonly faults: Faults;
  /** Stops listening and drops open connections: senders get ECONNREFUSED until resume(). */
  refuseConnections(): Promise<void>;
  resume(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startArmSimulator(opts: ArmSimOptions = {}): Promise<ArmSim> {
  const tokens = new Map<string, string>();
  const log = new DeliveryLog();
  const faults = new Faults();

  const arm: ArmSim = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    setToken: (org, token) => void tokens.set(org, token),
    removeToken: (org) => void tokens.delete(org),
    orgs: () => [...tokens.keys()],
    deliveries: log.all,
    waitForDeliveries: (n, timeoutMs = 5000) => log.waitFor(n, timeoutMs),
    faults,
    refuseConnections: () => closeServer(server),
    resume: async () => {
      if (!server.listening) await listenOn(server, port);
    },
    reset() {
      tokens.clear();
      log.clear();
      faults.clear();
    },
    close: () => closeServer(server),
  };

  const app = express();
  app.disable("x-powered-by");
  app.use("/_sim", controlRoutes(arm));
  app.use(webhookRoutes({ tokens, log, faults }));
  app.use((_req, res) => void res.status(404).json({ message: "Not found." }));

  const server = createServer(app);
  const port = await listenOn(server, opts.port ?? 0);
  return arm;
}
