/** Process entry: load the config (fail fast, naming the variable), start, and stop gracefully on SIGTERM/SIGINT. */
import { ConfigError, loadConfig } from "./config";
import { createLogger } from "./log";
import { installShutdown } from "./ops/shutdown";
import { startServer } from "./server";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, { logger });
  installShutdown(server, { logger });
}

main().catch((e) => {
  console.error("ARM Connector failed to start:", e instanceof Error ? e.message : e);
  process.exit(1);
});
