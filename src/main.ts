/** Process entry: load the config (fail fast, naming the variable), start, stop cleanly on SIGINT/SIGTERM. */
import { ConfigError, loadConfig } from "./config";
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
  const server = await startServer(config);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e) => {
  console.error("ARM Connector failed to start:", e instanceof Error ? e.message : e);
  process.exit(1);
});
