/**
 * atlassian-connect-express, used for what it does well: serving the descriptor from the
 * `atlassian-connect.json` template with this deployment's base URL and app key.
 * Install, uninstall and JWT checks are our own routes (see routes/), because ACE answers a forged
 * signature with 400, honours an AC_OPTS=no-auth switch, and cannot bind a call to a repository.
 * Its store is a read-only view of our tenants table, so ACE never opens a database of its own.
 */
import path from "node:path";
import ace from "atlassian-connect-express";
import type { Express } from "express";
import type { Config } from "../config";
import type { TenantStore } from "../db/tenant-store";
import type { Logger } from "../log";
import { PROJECT_ROOT } from "../paths";


export interface AddonHandle {
  key: string;
  descriptor: Record<string, unknown>;
}

/** Registers the read-only store adapter once per process; each app instance reads its own TenantStore. */
let currentTenants: TenantStore | null = null;
let registered = false;

function registerStore(): void {
  if (registered) return;
  registered = true;
  const adapter = {
    async get(key: string, clientKey: string) {
      if (key !== "clientInfo" || !currentTenants) return null;
      const t = await currentTenants.get(clientKey);
      // ACE's HTTP client uses baseUrl for API calls; Bitbucket's API lives at baseApiUrl.
      return t && { clientKey: t.clientKey, sharedSecret: t.sharedSecret, baseUrl: t.baseApiUrl, productType: t.productType };
    },
    async set() {
      throw new Error("Tenants are written by the app's own lifecycle routes");
    },
    async del() {
      throw new Error("Tenants are written by the app's own lifecycle routes");
    },
    async getAllClientInfos() {
      return [];
    },
    isMemoryStore: () => false,
  };
  ace.store.register("arm-tenants", () => adapter as unknown as ace.StoreAdapter);
}

export function mountAddon(app: Express, config: Config, tenants: TenantStore, logger: Logger): AddonHandle {
  registerStore();
  currentTenants = tenants;
  const quiet = {
    info: (...args: unknown[]) => logger.debug({ ace: args.map(String).join(" ") }),
    warn: (...args: unknown[]) => logger.warn({ ace: args.map(String).join(" ") }),
    error: (...args: unknown[]) => logger.error({ ace: args.map(String).join(" ") }),
  };
  app.set("env", config.env);
  const modeConfig = { localBaseUrl: config.baseUrl, port: String(config.port), appKey: config.appKey, whitelist: config.installHosts };
  const addon = ace(
    app,
    { config: { [config.env]: modeConfig } } as ace.Options,
    quiet as unknown as Console,
    // ACE both reads the descriptor from this path and serves it at "/" + this path: keep it relative.
    { descriptorFilename: path.relative(process.cwd(), path.join(PROJECT_ROOT, "atlassian-connect.json")), configFileName: path.join(PROJECT_ROOT, "config.json") },
  );
  return { key: config.appKey, descriptor: addon.descriptor as unknown as Record<string, unknown> };
}
