/**
 * Helpers of the fault tests (issue 3, item 9): the app as a child process on the stack's database, a burst of
 * signed Connect deliveries each with its own X-Request-UUID, and the at-least-once check of what ARM received.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { RelayDeliveryRow, RelayEventRow } from "../../../src/db/models";
import { signAppRequest } from "../../../simulators/bitbucket/connect-jwt";
import type { ArmDelivery } from "../../../simulators";
import type { Stack } from "../../support/stack";
import { eventually } from "../../support/eventually";
import { pushPayload } from "../relay/relay-support";

/** Beyond the longest lease a worker takes (max(60 s, 4 attempt timeouts)): a clock moved this far reclaims a dead worker's deliveries. */
export const LEASE_SKIP_MS = 61_000;

/** Retries that outlast any hiccup of a busy machine (giving up would lose an event and fail the test for the wrong reason). */
const FAULT_ENV = {
  RELAY_RETRY_SCHEDULE: "0,100ms,500ms,1s,2s,5s,10s",
  RELAY_ATTEMPT_TIMEOUT: "5s",
  LOG_LEVEL: "warn",
};

export interface AppChild {
  child: ChildProcess;
  url: string;
  workerId: string;
  /** Resolves when the process is gone, with its exit code or signal. */
  exited: Promise<string>;
  /** The last of what the process wrote (its logs), for failure messages. */
  output(): string;
  /** Moves the worker's clock forward (see fault-app.ts). */
  advanceClock(ms: number): Promise<void>;
  /** Graceful stop, then SIGKILL if it takes more than 10 s. */
  stop(): Promise<void>;
}

/** Starts fault-app.ts on the stack's database, listening on 127.0.0.1:`port`; `env` overrides the relay settings. */
export function startAppChild(stack: Stack, port: number, env: Record<string, string> = {}): Promise<AppChild> {
  const here = __dirname;
  const child = fork(path.join(here, "fault-app.ts"), [], {
    execArgv: ["-r", path.join(here, "..", "..", "..", "scripts", "ts-register.js")],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      PORT: String(port),
      AC_LOCAL_BASE_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: stack.config.database.url,
      // SQLite stacks keep their key in a file in the data directory; PostgreSQL stacks are given one.
      DATA_DIR: stack.dataDir,
      ...(stack.config.encryptionKey ? { ENCRYPTION_KEY: stack.config.encryptionKey.toString("base64") } : {}),
      ALLOW_HTTP_LOOPBACK: "1",
      RELAY_WORKER: "0",
      ...FAULT_ENV,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? String(code))));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start within 20 s:\n${output}`)), 20_000);
    child.once("exit", (code) => reject(new Error(`the app exited with ${code} before it was ready:\n${output}`)));
    child.once("message", (m: { url: string; workerId: string }) => {
      clearTimeout(timer);
      resolve({
        child,
        url: `http://127.0.0.1:${port}`,
        workerId: m.workerId,
        exited,
        output: () => output,
        advanceClock: (ms) =>
          new Promise<void>((done) => {
            child.once("message", () => done());
            child.send({ advanceMs: ms });
          }),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.send("stop");
          let t: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((r) => (t = setTimeout(r, 10_000)))]);
          clearTimeout(t);
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
          await exited;
        },
      });
    });
  });
}

export interface Answer {
  /** The X-Request-UUID it was sent with. */
  uuid: string;
  /** null when no answer came (the app was gone, or the connection broke). */
  status: number | null;
  error?: string;
  startedAt: number;
  endedAt: number;
}

const accepted2xx = (a: Answer) => a.status !== null && a.status >= 200 && a.status < 300;
export const acceptedUuids = (answers: Answer[]) => answers.filter(accepted2xx).map((a) => a.uuid);

/** A repo:push Connect envelope whose commit message carries `uuid`, so ARM's copy can be told apart from the others. */
function pushEnvelope(stack: Stack, uuid: string): string {
  return JSON.stringify({ event: "repo:push", data: pushPayload(stack) }).replaceAll("[PAY-9] x", `[PAY-9] burst ${uuid}`);
}

/** The Bitbucket X-Request-UUID a delivery to ARM was made for, read back from the commit message. */
export function eventOf(d: ArmDelivery): string | null {
  return /burst ([\w-]+)/.exec(d.body.toString("utf8"))?.[1] ?? null;
}

/**
 * Sends `count` signed deliveries to `url`/events, `concurrency` at a time (each lane pausing `gapMs` between
 * requests), with X-Request-UUIDs `prefix`-0, -1, …. `onAnswer` sees each answer as it comes, with all so far.
 */
export async function burst(
  stack: Stack,
  url: string,
  opts: { count: number; concurrency: number; prefix: string; gapMs?: number; onAnswer?: (a: Answer, all: Answer[]) => void },
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  const signedFor = `${stack.config.baseUrl}/events`; // the qsh covers method and path, not the host
  const lane = async () => {
    while (next < opts.count) {
      const uuid = `${opts.prefix}-${next++}`;
      const startedAt = Date.now();
      let answer: Answer;
      try {
        const res = await fetch(`${url}/events`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Authorization: `JWT ${signAppRequest(stack.installed(), { method: "POST", url: signedFor })}`,
            "X-Request-UUID": uuid,
          },
          body: pushEnvelope(stack, uuid),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        answer = { uuid, status: res.status, startedAt, endedAt: Date.now() };
      } catch (err) {
        answer = { uuid, status: null, error: String((err as Error).cause ?? err), startedAt, endedAt: Date.now() };
      }
      answers.push(answer);
      opts.onAnswer?.(answer, answers);
      if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  return answers;
}

/** Waits until ARM has accepted every one of `uuids` and the relay has nothing left pending; bounded by `timeoutMs`. */
export async function waitUntilQuiet(stack: Stack, uuids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await eventually(() => {
    const done = new Set(stack.arm.deliveries.filter((d) => d.accepted).map(eventOf));
    return uuids.every((u) => done.has(u)) ? true : undefined;
  }, timeoutMs);
  let seen = -1;
  await eventually(async () => {
    const pending = await RelayDeliveryRow.count({ where: { status: "pending" } });
    const now = stack.arm.deliveries.length;
    const stable = pending === 0 && now === seen;
    seen = now;
    return stable ? true : (await new Promise((r) => setTimeout(r, 300)), undefined);
  }, Math.max(1000, deadline - Date.now()));
}

export interface AtLeastOnce {
  /** Events whose delivery ARM received at least once (all of them, for the test to pass). */
  delivered: number;
  /** Deliveries to ARM beyond the first per event (a crash or outage between ARM's answer and its record). */
  duplicates: number;
  /** Events stored although their sender got no 2xx (in flight at the crash): delivered too, not required. */
  unansweredButStored: number;
  /** Broken promises, in words; empty when every accepted event reached ARM properly. */
  problems: string[];
}

/**
 * What ARM received, judged against the events that were answered 2xx: each reached ARM with a valid signature,
 * and every copy of an event's delivery (duplicates included) carried one X-Request-UUID, the delivery's id in the
 * database, which no other event's delivery carried.
 */
export async function checkAtLeastOnce(stack: Stack, accepted: string[]): Promise<AtLeastOnce> {
  const events = await RelayEventRow.findAll({ where: { status: "accepted" } });
  const deliveries = await RelayDeliveryRow.findAll();
  const deliveryOf = new Map<string, string>();
  for (const e of events) {
    const ds = deliveries.filter((d) => d.eventId === e.id);
    if (ds.length === 1) deliveryOf.set(e.sourceRequestUuid, ds[0].id);
  }
  const byEvent = new Map<string, ArmDelivery[]>();
  for (const d of stack.arm.deliveries) {
    const key = eventOf(d) ?? "(unmarked)";
    byEvent.set(key, [...(byEvent.get(key) ?? []), d]);
  }

  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const [uuid, copies] of byEvent) {
    const ids = [...new Set(copies.map((c) => c.headers["x-request-uuid"]))];
    if (ids.length !== 1) problems.push(`${uuid}: copies carry X-Request-UUIDs ${ids.join(", ")}`);
    if (ids[0] !== deliveryOf.get(uuid)) problems.push(`${uuid}: X-Request-UUID ${ids[0]} is not its delivery ${deliveryOf.get(uuid)}`);
    if (owner.has(ids[0])) problems.push(`${uuid}: X-Request-UUID ${ids[0]} also used for ${owner.get(ids[0])}`);
    owner.set(ids[0], uuid);
    if (copies.some((c) => c.signatureValid !== true)) problems.push(`${uuid}: a copy without a valid X-Hub-Signature`);
  }
  let delivered = 0;
  for (const uuid of accepted) {
    if (byEvent.get(uuid)?.some((c) => c.accepted)) delivered++;
    else problems.push(`${uuid}: answered 2xx but never accepted by ARM`);
  }
  const acceptedSet = new Set(accepted);
  const stored = events.map((e) => e.sourceRequestUuid);
  return {
    delivered,
    duplicates: stack.arm.deliveries.length - byEvent.size,
    unansweredButStored: stored.filter((u) => !acceptedSet.has(u)).length,
    problems,
  };
}
