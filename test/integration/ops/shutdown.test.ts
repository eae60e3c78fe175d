import { EventEmitter } from "node:events";
import net from "node:net";
import { Writable } from "node:stream";
import { createLogger } from "../../../src/log";
import { installShutdown } from "../../../src/ops/shutdown";
import { connectBody, REPO, startStack, type Stack } from "../../support/stack";

/** Opens a connection and sends a request whose body is not finished: the server holds it in flight. */
function startRequest(url: string, body: string): Promise<{ finish(): void; response: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`PUT /api/connection HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.write(body.slice(0, 5));
      let answer = "";
      socket.on("data", (d) => (answer += String(d)));
      const response = new Promise<string>((done) => socket.on("close", () => done(answer)));
      resolve({ finish: () => socket.write(body.slice(5)), response });
    });
    socket.once("error", reject);
  });
}

const canConnect = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const s = net.connect(Number(port), hostname, () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilCalled(fn: jest.Mock, timeoutMs = 3000): Promise<void> {
  for (let waited = 0; fn.mock.calls.length === 0 && waited < timeoutMs; waited += 20) await sleep(20);
}

function shutdownFor(stack: Stack) {
  const source = new EventEmitter();
  const exit = jest.fn();
  const lines: string[] = [];
  const logger = createLogger("info", new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  installShutdown(stack.app, { logger, exit, source });
  return { signal: (s: NodeJS.Signals) => source.emit(s, s), exit, log: () => lines.join("") };
}

describe("graceful shutdown", () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ env: { RELAY_RETRY_SCHEDULE: "0,50ms,100ms" } });
  });
  afterEach(() => stack?.close()); // close() is idempotent: a second call after the shutdown is harmless

  test("SIGTERM stops accepting, answers the request in flight, stops the worker, closes, exits 0", async () => {
    expect(stack.app.worker!.isRunning()).toBe(true);
    const inFlight = await startRequest(stack.app.url, JSON.stringify({ token: "whatever-the-body" }));
    await sleep(50);
    const { signal, exit, log } = shutdownFor(stack);

    signal("SIGTERM");
    await sleep(100);
    expect(await canConnect(stack.app.url)).toBe(false); // no longer accepting
    expect(exit).not.toHaveBeenCalled(); // still waiting for the request in flight

    inFlight.finish();
    // Answered (unauthenticated, hence 401), not cut off.
    expect(await inFlight.response).toMatch(/^HTTP\/1\.1 401 /);
    await untilCalled(exit);
    expect(exit.mock.calls).toEqual([[0]]);
    expect(stack.app.worker!.isRunning()).toBe(false);
    expect(log()).toContain("Stopped cleanly");
  });

  test("a delivery in flight to ARM when SIGTERM arrives is finished and recorded before the exit", async () => {
    const page = await stack.settings();
    expect((await page.call("PUT", "/api/connection", connectBody(stack, { deliveryMode: "relay" }))).status).toBe(200);
    stack.arm.faults.add({ method: "POST", pathPattern: "/api/webhook/", delayMs: 400, times: 1 }); // ARM is slow, then answers
    const sent = await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "PAY-7 shut down mid-delivery" }] });
    expect(sent.deliveries.filter((d) => d.target === "connect").map((d) => d.delivered)).toEqual([true]);
    for (let i = 0; i < 100 && stack.arm.faults.list().length > 0; i++) await sleep(10); // the worker's attempt has reached ARM
    const { signal, exit, log } = shutdownFor(stack);

    signal("SIGTERM");
    await untilCalled(exit);
    expect(exit.mock.calls).toEqual([[0]]);
    expect(stack.arm.deliveries.filter((d) => d.accepted).length).toBeGreaterThanOrEqual(1);
    expect((await stack.app.metrics.delivered.get()).values[0].value).toBeGreaterThanOrEqual(1);
    expect(log()).not.toContain("Shutdown deadline passed");
    expect(stack.logs.join("")).not.toContain("attempts in flight");
  });

  test("a second signal exits 1 at once", async () => {
    const inFlight = await startRequest(stack.app.url, JSON.stringify({ token: "never-finished" }));
    await sleep(50);
    const { signal, exit } = shutdownFor(stack);
    signal("SIGTERM");
    await sleep(50);
    expect(exit).not.toHaveBeenCalled();
    signal("SIGINT");
    expect(exit.mock.calls).toEqual([[1]]);
    inFlight.finish();
    await inFlight.response;
  });
});
