/**
 * One app process for the scale-out test: the whole server (receiving and a delivery worker) on the database
 * named by DATABASE_URL, configured from the environment like production. Tells the parent its worker id once
 * listening; closes gracefully when the parent sends "stop".
 */
import { loadConfig } from "../../../src/config";
import { createLogger } from "../../../src/log";
import { startServer } from "../../../src/server";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const server = await startServer(config, { logger: createLogger(config.logLevel) });
  process.on("message", (message) => {
    if (message !== "stop") return;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.send!({ ready: true, workerId: server.worker?.id ?? null, url: server.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
