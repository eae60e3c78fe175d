/**
 * Composition root: builds every piece from the one config and wires them. Nothing else constructs
 * stores, clients or services, so the tree of dependencies can be read here in one place.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import type { Config } from "./config";
import { deriveKeys } from "./crypto/keys";
import { loadOrCreateKeyFile } from "./crypto/key-file";
import { ConnectionStore } from "./db/connection-store";
import { migrate } from "./db/migrate";
import { initModels } from "./db/models";
import { openDatabase } from "./db/sequelize";
import { TenantStore, type Tenant } from "./db/tenant-store";
import { BitbucketClient } from "./bitbucket/client";
import { ConnectionService } from "./connections/connection-service";
import { DeliveryLog } from "./connections/delivery-log";
import { SmartCommitPreviewer } from "./connections/smart-commit-preview";
import { buildConnectApp } from "./connect/build-app";
import { createLogger, type Logger } from "./log";
import { drainHttpServer } from "./ops/drain-http";
import { createMetrics, type RelayMetrics } from "./ops/metrics";
import { checkReadiness } from "./ops/readiness";
import { eventsRoute } from "./connect/routes/events";
import { countPausedEndpoints, countPending } from "./db/relay-delivery-store";
import { RelayWrites } from "./db/relay-writes";
import { commitMessageLoader } from "./relay/commit-messages";
import { OutboxWriter } from "./relay/outbox-writer";
import { purgeExpired, RetentionJob } from "./relay/retention";
import { createThreadedArmSender } from "./relay/threaded-arm-sender";
import { RelayWorker } from "./relay/worker";

export interface RunningServer {
  url: string;
  metrics: RelayMetrics;
  /** This process's delivery worker; null with RELAY_WORKER=0. */
  worker: RelayWorker | null;
  /** Another worker on this app's database (not started), e.g. with a test clock; close() stops it too. */
  createWorker(opts?: { now?: () => number; workerId?: string }): RelayWorker;
  /** Stops accepting, lets in-flight requests finish (up to a grace period), then closes the database. Idempotent. */
  close(): Promise<void>;
}

/** How long in-flight requests may take once the server stops accepting; the process deadline (src/ops/shutdown.ts) is longer. */
const HTTP_GRACE_MS = 10_000;

export async function startServer(config: Config, opts: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const sequelize = await openDatabase(config.database);
  initModels(sequelize);
  await migrate(sequelize);
  const keys = deriveKeys(config.encryptionKey ?? loadOrCreateKeyFile(config.dataDir));
  const tenants = new TenantStore(keys.secretBox);
  const connectionStore = new ConnectionStore(keys.secretBox);
  const bitbucketFor = (tenant: Tenant) =>
    new BitbucketClient({
      creds: { appKey: config.appKey, clientKey: tenant.clientKey, sharedSecret: tenant.sharedSecret, baseApiUrl: tenant.baseApiUrl },
      logger,
    });
  const connections = new ConnectionService({
    store: connectionStore,
    tenants,
    fingerprint: keys.fingerprint,
    armPolicy: { allowedHosts: config.armAllowedHosts, allowHttpLoopback: config.allowHttpLoopback },
    bitbucketFor,
    logger,
  });
  const smartCommits = new SmartCommitPreviewer({ store: connectionStore, tenants, bitbucketFor });
  const metrics = createMetrics({ sources: { backlog: () => countPending(), pausedEndpoints: countPausedEndpoints } });

  const writes = new RelayWrites(sequelize);
  const writer = new OutboxWriter({ writes, routes: (repos) => connectionStore.relayRoutes(repos), schedule: config.relay.retrySchedule });
  const arm = createThreadedArmSender({ connectionsPerOrigin: config.relay.endpointConcurrency });
  const workers: RelayWorker[] = [];
  const createWorker = (o: { now?: () => number; workerId?: string } = {}) => {
    const worker = new RelayWorker({
      writes,
      relay: config.relay,
      senders: (ids) => connectionStore.relaySenders(ids),
      commitMessages: (scope) => async (change) => {
        const tenant = await tenants.get(scope.clientKey);
        if (!tenant) throw new Error("The app is no longer installed in this workspace.");
        return commitMessageLoader(bitbucketFor(tenant), scope)(change);
      },
      arm,
      metrics,
      logger,
      workerId: o.workerId ?? `${process.pid}@${os.hostname().slice(0, 40)}#${workers.length + 1}`,
      now: o.now,
    });
    writer.onDeliveries(() => worker.wake());
    workers.push(worker);
    return worker;
  };
  const worker = config.relay.worker ? createWorker() : null;
  if (worker) writer.handOffTo(worker);
  const deliveryLog = new DeliveryLog({ store: connectionStore, writes, wake: () => workers.forEach((w) => w.wake()) });
  const retention = new RetentionJob({ purge: (nowMs) => purgeExpired(writes, { nowMs, retentionMs: config.relay.retentionMs }), logger });
  const events = eventsRoute({
    baseUrl: config.baseUrl,
    lookupSecret: async (clientKey) => (await tenants.get(clientKey))?.sharedSecret ?? null,
    writer,
    metrics,
    logger,
    now: Date.now,
  });

  const app = buildConnectApp(
    { config, tenants, keys, connections, smartCommits, logger, nowSeconds: () => Math.floor(Date.now() / 1000) },
    { registry: metrics.registry, readiness: () => checkReadiness({ pingDatabase: () => sequelize.query("SELECT 1"), worker }) },
    { events, deliveryLog },
  );

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(config.port, resolve));
  const { port } = server.address() as AddressInfo;
  logger.info({ port, baseUrl: config.baseUrl, database: config.database.dialect }, "ARM Connector listening");
  worker?.start();
  retention.start();
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    metrics,
    worker,
    createWorker,
    close() {
      closing ??= (async () => {
        const receiving = (async () => {
          await drainHttpServer(server, HTTP_GRACE_MS);
          await writer.drain(); // events being received finish their batch before the database closes
        })();
        await Promise.all([receiving, retention.stop(), ...workers.map((w) => w.stop())]);
        await arm.close();
        await sequelize.close();
      })();
      return closing;
    },
  };
}
