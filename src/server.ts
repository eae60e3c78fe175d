/**
 * Composition root: builds every piece from the one config and wires them. Nothing else constructs
 * stores, clients or services, so the tree of dependencies can be read here in one place.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "./config";
import { deriveKeys } from "./crypto/keys";
import { loadOrCreateKeyFile } from "./crypto/key-file";
import { ConnectionStore } from "./db/connection-store";
import { migrate } from "./db/migrate";
import { initModels } from "./db/models";
import { openDatabase } from "./db/sequelize";
import { TenantStore } from "./db/tenant-store";
import { BitbucketClient } from "./bitbucket/client";
import { ConnectionService } from "./connections/connection-service";
import { buildConnectApp } from "./connect/build-app";
import { createLogger, type Logger } from "./log";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const sequelize = await openDatabase(config.database);
  initModels(sequelize);
  await migrate(sequelize);
  const keys = deriveKeys(config.encryptionKey ?? loadOrCreateKeyFile(config.dataDir));
  const tenants = new TenantStore(keys.secretBox);
  const connectionStore = new ConnectionStore(keys.secretBox);
  const connections = new ConnectionService({
    store: connectionStore,
    tenants,
    fingerprint: keys.fingerprint,
    armPolicy: { allowedHosts: config.armAllowedHosts, allowHttpLoopback: config.allowHttpLoopback },
    bitbucketFor: (tenant) =>
      new BitbucketClient({
        creds: { appKey: config.appKey, clientKey: tenant.clientKey, sharedSecret: tenant.sharedSecret, baseApiUrl: tenant.baseApiUrl },
        logger,
      }),
    logger,
  });
  const app = buildConnectApp({ config, tenants, keys, connections, logger, nowSeconds: () => Math.floor(Date.now() / 1000) });

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const { port } = server.address() as AddressInfo;
  logger.info({ port, baseUrl: config.baseUrl, database: config.database.dialect }, "ARM Connector listening");
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sequelize.close();
    },
  };
}
