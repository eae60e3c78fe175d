/**
 * Readiness: may a load balancer send this process traffic? Yes when the database answers a trivial query
 * within a short timeout and, where this process runs the relay worker, the worker is running.
 * Liveness (/healthz) deliberately checks nothing: a slow database must not get healthy processes restarted.
 */

export interface ReadinessInputs {
  /** Runs a trivial query (SELECT 1); rejects when the database cannot answer. */
  pingDatabase(): Promise<unknown>;
  /** null when this process does not run a worker (RELAY_WORKER=0): then it is not a condition. */
  worker: { isRunning(): boolean } | null;
  /** How long the database may take; default 1 s. */
  timeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  /** Plain words, safe for an unauthenticated caller: no host names, no driver messages. */
  checks: { database: "ok" | "unreachable" | "timed out"; worker: "running" | "stopped" | "not run by this process" };
  /** The driver's error, for the log only. */
  databaseError?: string;
}

const DEFAULT_TIMEOUT_MS = 1000;

export async function checkReadiness(inputs: ReadinessInputs): Promise<Readiness> {
  const db = await databaseCheck(inputs.pingDatabase, inputs.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const worker = inputs.worker === null ? "not run by this process" : inputs.worker.isRunning() ? "running" : "stopped";
  return {
    ready: db.state === "ok" && worker !== "stopped",
    checks: { database: db.state, worker },
    ...(db.error === undefined ? {} : { databaseError: db.error }),
  };
}

type DbState = { state: Readiness["checks"]["database"]; error?: string };

async function databaseCheck(ping: () => Promise<unknown>, timeoutMs: number): Promise<DbState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DbState>((resolve) => {
    timer = setTimeout(() => resolve({ state: "timed out", error: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const answer = ping().then(
    (): DbState => ({ state: "ok" }),
    (err: unknown): DbState => ({ state: "unreachable", error: (err instanceof Error ? err.message : String(err)).slice(0, 200) }),
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
