/**
 * Graceful shutdown on SIGTERM/SIGINT: close the server (stop accepting, finish in-flight requests, stop the
 * worker, close the database) and exit 0. A second signal, or the deadline, exits 1 at once: an operator
 * who presses Ctrl-C twice, or an orchestrator about to SIGKILL, must not be kept waiting.
 */
import type { Logger } from "../log";

export interface ShutdownOptions {
  logger: Logger;
  /** From the first signal to the forced exit; default 20 s (Kubernetes waits 30 s before SIGKILL). */
  deadlineMs?: number;
  signals?: NodeJS.Signals[];
  /** Injected in tests; default process.exit. */
  exit?: (code: number) => void;
  /** Where the signals come from; default process. */
  source?: Pick<NodeJS.EventEmitter, "on" | "off">;
}

export interface ShutdownHandle {
  /** What a signal triggers; resolves once exit has been called. */
  shutdown(reason: string): Promise<void>;
  /** Removes the signal listeners. */
  dispose(): void;
}

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 20_000;

export function installShutdown(target: { close(): Promise<void> }, opts: ShutdownOptions): ShutdownHandle {
  const { logger } = opts;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const source = opts.source ?? process;
  const signals = opts.signals ?? ["SIGTERM", "SIGINT"];
  const deadlineMs = opts.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  let stopping: Promise<void> | null = null;
  let exited = false;
  const exitOnce = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const shutdown = (reason: string): Promise<void> => {
    if (stopping) {
      logger.warn({ reason }, "Second stop request: exiting now");
      exitOnce(1);
      return stopping;
    }
    logger.info({ reason, deadlineMs }, "Shutting down: finishing in-flight requests and deliveries");
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        logger.error({ deadlineMs }, "Shutdown deadline passed: exiting with work unfinished (leased deliveries are retried after their lease)");
        resolve(1);
      }, deadlineMs);
      timer.unref();
    });
    const closed = target.close().then(
      () => {
        logger.info({ ms: Date.now() - started }, "Stopped cleanly");
        return 0;
      },
      (err: unknown) => {
        logger.error({ err }, "Error while shutting down");
        return 1;
      },
    );
    stopping = Promise.race([closed, deadline]).then((code) => {
      clearTimeout(timer);
      exitOnce(code);
    });
    return stopping;
  };

  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal);
  for (const s of signals) source.on(s, onSignal);
  return {
    shutdown,
    dispose: () => signals.forEach((s) => source.off(s, onSignal)),
  };
}
