/**
 * The app as a child process for the fault tests, so that it can be SIGKILLed or watched surviving an outage
 * without taking jest down. The whole server on DATABASE_URL, configured from the environment like production
 * (start it with RELAY_WORKER=0), plus one delivery worker whose clock the parent can move forward: a crashed
 * worker's lease lasts at least a minute, and the tests skip that minute instead of waiting it out.
 *
 * Messages from the parent: {advanceMs} moves the worker's clock (answered {advanced}); "stop" closes gracefully.
 * Tells the parent {ready, url, workerId} once listening.
 */
import { loadConfig } from "../../../src/config";
import { createLogger } from "../../../src/log";
import { startServer } from "../../../src/server";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.relay.worker) throw new Error("start fault-app with RELAY_WORKER=0: it runs its own worker");
  const server = await startServer(config, { logger: createLogger(config.logLevel) });
  let aheadMs = 0;
  const worker = server.createWorker({ now: () => Date.now() + aheadMs });
  worker.start();
  process.on("message", (message: unknown) => {
    if (message === "stop") {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
      return;
    }
    const advanceMs = (message as { advanceMs?: unknown } | null)?.advanceMs;
    if (typeof advanceMs !== "number") return;
    aheadMs += advanceMs;
    worker.wake();
    process.send!({ advanced: aheadMs });
  });
  process.send!({ ready: true, workerId: worker.id, url: server.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
