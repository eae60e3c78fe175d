/**
 * Scale-out (issue 3, item 7): two app processes on one PostgreSQL database deliver a backlog of 1,000 deliveries,
 * each exactly once (one lease per delivery, none lost, none doubled), and both take part.
 *
 * Taking part is only certain when there is more work than one process holds: a worker claims while it has room
 * (500 deliveries, two claims of 250), so on a trickle the first one to claim can keep up alone. Here the backlog
 * is stored before the processes start, and ARM answers slowly enough that whichever starts first is still
 * holding a full load when the other claims.
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { RelayDeliveryRow } from "../../../src/db/models";
import { postgresAvailable } from "../../support/services";
import { ARM_TOKEN, ORG, type Stack } from "../../support/stack";
import { eventually } from "../../support/eventually";
import { connect, FAST_RELAY_ENV, pushPayload, sendEvent, startRelayStack } from "./relay-support";

const EVENTS = 1000;
const PROCESSES = 2;

interface AppProcess {
  child: ChildProcess;
  workerId: string;
  exited: Promise<number | null>;
}

function startAppProcess(stack: Stack, n: number): Promise<AppProcess> {
  const child = fork(path.join(__dirname, "app-process.ts"), [], {
    execArgv: ["-r", path.join(__dirname, "..", "..", "..", "scripts", "ts-register.js")],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      PORT: "0",
      AC_LOCAL_BASE_URL: `http://127.0.0.1:${40000 + n}`,
      DATABASE_URL: stack.config.database.url,
      ENCRYPTION_KEY: stack.config.encryptionKey!.toString("base64"),
      DATA_DIR: path.join(os.tmpdir(), `arm-relay-scale-${process.pid}-${n}`),
      ALLOW_HTTP_LOOPBACK: "1",
      ...FAST_RELAY_ENV,
      LOG_LEVEL: "warn",
      RELAY_WORKER: "1",
      RELAY_ATTEMPT_TIMEOUT: "15s", // normal operation: a busy CI machine must not turn slow answers into retries
      RELAY_ENDPOINT_CONCURRENCY: "8", // with ARM's 50 ms, about 160 a second per process: one alone would take 6 s
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app process ${n} did not start within 20 s`)), 20_000);
    child.once("message", (m: { workerId: string }) => {
      clearTimeout(timer);
      resolve({ child, workerId: m.workerId, exited });
    });
    child.once("exit", (code) => reject(new Error(`app process ${n} exited with ${code} before it was ready`)));
  });
}

const pg = postgresAvailable();
(pg ? describe : describe.skip)("scale-out on PostgreSQL", () => {
  let stack: Stack;
  let apps: AppProcess[] = [];

  beforeAll(async () => {
    // This process only receives; the deliveries are the child processes' work.
    stack = await startRelayStack("postgres", { RELAY_WORKER: "0" });
    await connect(stack, { triggers: { push: true, pullRequests: false, almSync: false } });
  }, 40_000);

  afterAll(async () => {
    for (const a of apps) if (a.child.connected) a.child.send("stop");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(apps.map((a) => a.exited)), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    for (const a of apps) if (a.child.exitCode === null) a.child.kill("SIGKILL");
    await stack?.close();
  }, 30_000);

  test(`${PROCESSES} worker processes deliver ${EVENTS} deliveries exactly once each`, async () => {
    stack.arm.setToken(ORG, ARM_TOKEN);
    stack.arm.faults.add({ delayMs: 50 }); // a receiver with some latency, so the backlog takes several claims
    const payload = { event: "repo:push", data: pushPayload(stack) };
    for (let sent = 0; sent < EVENTS; sent += 25) {
      const answers = await Promise.all(Array.from({ length: 25 }, () => sendEvent(stack, payload)));
      expect(answers.every((a) => a.status === 202)).toBe(true);
    }
    expect(stack.arm.deliveries).toHaveLength(0);
    apps = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => startAppProcess(stack, i)));
    await stack.arm.waitForDeliveries(EVENTS, 40_000);
    const rows = await eventually(async () => {
      const all = await RelayDeliveryRow.findAll();
      return all.length === EVENTS && all.every((r) => r.status === "delivered") ? all : undefined;
    }, 10_000);
    await new Promise((r) => setTimeout(r, 500)); // nothing more may arrive

    const ids = stack.arm.deliveries.map((d) => d.headers["x-request-uuid"]);
    const doubled = ids.filter((id, i) => ids.indexOf(id) !== i);
    // On failure, say how each double came about (a retry after a timeout has X-Attempt-Number 2).
    const how = (id: string) => stack.arm.deliveries.filter((d) => d.headers["x-request-uuid"] === id).map((d) => `${id} attempt ${d.headers["x-attempt-number"]} → ${d.status}`);
    expect(doubled.flatMap(how)).toEqual([]);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids).size).toBe(EVENTS);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
    expect(stack.arm.deliveries.every((d) => d.accepted && d.headers["x-attempt-number"] === "1")).toBe(true);
    const byWorker = new Map<string, number>();
    for (const r of rows) byWorker.set(r.leasedBy!, (byWorker.get(r.leasedBy!) ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(apps.map((a) => a.workerId).sort());
    for (const n of byWorker.values()) expect(n).toBeGreaterThan(0);
  }, 90_000);
});
