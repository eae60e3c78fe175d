/**
 * An ArmSender whose HTTP work (undici, the socket writes, reading answers) runs on a thread of its own, so the
 * event loop that answers Bitbucket does not also carry the deliveries: intake keeps its latency while the worker
 * drains a backlog. The sender never throws; if the thread dies, the attempts it held come back as network errors
 * (retried like any other) and the next send starts a new thread.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import { PROJECT_ROOT } from "../paths";
import type { ArmRequest, ArmResponse, ArmSender } from "./send-to-arm";

export interface ThreadRequest {
  id: number;
  url: string;
  body: Uint8Array;
  headers: Record<string, string>;
  timeoutMs: number;
}
export type ThreadMessage = { answers: Array<[number, ArmResponse]> } | { closed: true };

/** Run from the TypeScript sources (tests), the thread compiles them the way child processes do. */
function threadEntry(file = path.join(__dirname, `arm-sender-thread${path.extname(__filename)}`)): { file: string; execArgv: string[] } {
  return { file, execArgv: path.extname(file) === ".ts" ? ["-r", path.join(PROJECT_ROOT, "scripts", "ts-register.js")] : [] };
}

export interface ThreadedSenderOptions {
  connectionsPerOrigin: number;
  /** The thread's script; tests give one that fails, to see a dead thread handled. */
  threadFile?: string;
}

export function createThreadedArmSender(opts: ThreadedSenderOptions): ArmSender {
  const pending = new Map<number, { resolve(res: ArmResponse): void; started: number }>();
  const inFlight = new Set<Promise<ArmResponse>>();
  let nextId = 0;
  let outbox: ThreadRequest[] = [];
  let worker: Worker | null = null;
  let closing: Promise<void> | null = null;

  const start = (): Worker => {
    const { file, execArgv } = threadEntry(opts.threadFile);
    const w = new Worker(file, { workerData: { connectionsPerOrigin: opts.connectionsPerOrigin }, execArgv });
    w.on("message", (m: ThreadMessage) => {
      if (!("answers" in m)) return;
      for (const [id, res] of m.answers) {
        pending.get(id)?.resolve(res);
        pending.delete(id);
      }
      if (pending.size === 0) w.unref(); // an idle thread does not keep the process alive; see flush
    });
    const lost = (why: string) => {
      if (worker !== w) return;
      worker = null;
      for (const p of pending.values()) p.resolve({ networkError: "other", error: why, latencyMs: Math.round(performance.now() - p.started) });
      pending.clear();
    };
    w.on("error", (err) => lost(`the sender thread failed: ${err.message.slice(0, 200)}`));
    w.on("exit", (code) => lost(`the sender thread exited (${code})`));
    return w;
  };

  const flush = () => {
    const requests = outbox;
    outbox = [];
    const w = (worker ??= start());
    w.ref();
    w.postMessage({ requests });
  };

  return {
    send(req: ArmRequest): Promise<ArmResponse> {
      if (closing) return Promise.resolve({ networkError: "other", error: "the sender is closed", latencyMs: 0 });
      const answered = new Promise<ArmResponse>((resolve) => {
        const id = nextId++;
        pending.set(id, { resolve, started: performance.now() });
        if (outbox.length === 0) setImmediate(flush);
        outbox.push({ id, url: req.url, body: req.body, headers: req.headers, timeoutMs: req.timeoutMs });
      });
      inFlight.add(answered);
      void answered.then(() => inFlight.delete(answered));
      return answered;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        // Every attempt ends (answer, its own timeout, or the thread's death) before the thread is let go.
        await Promise.all([...inFlight]);
        const w = worker;
        if (!w) return;
        await new Promise<void>((resolve) => {
          w.on("message", (m: ThreadMessage) => "closed" in m && resolve());
          w.once("exit", () => resolve());
          w.postMessage("close");
        });
        worker = null;
        await w.terminate();
      })();
      return closing;
    },
  };
}
