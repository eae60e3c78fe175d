/** What the Connect adapter needs from the core, built by the composition root (src/server.ts). */
import type { Config } from "../config";
import type { AppKeys } from "../crypto/keys";
import type { TenantStore } from "../db/tenant-store";
import type { ConnectionService } from "../connections/connection-service";
import type { SmartCommitPreviewer } from "../connections/smart-commit-preview";
import type { Logger } from "../log";

export interface ConnectDeps {
  config: Config;
  tenants: TenantStore;
  keys: AppKeys;
  connections: ConnectionService;
  smartCommits: SmartCommitPreviewer;
  logger: Logger;
  /** Epoch seconds; injectable so expiry rules are testable. */
  nowSeconds: () => number;
}
