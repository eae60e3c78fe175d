import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import type { Sequelize } from "sequelize";
import { Writable } from "node:stream";
import http from "node:http";
import { healthRoutes } from "../../../src/connect/routes/health";
import { openDatabase } from "../../../src/db/sequelize";
import { createLogger } from "../../../src/log";
import { checkReadiness } from "../../../src/ops/readiness";
import { startStack, type Stack } from "../../support/stack";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";

describe("the app's operations endpoints", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  test("/healthz says the process is up, uncached", async () => {
    const res = await fetch(`${stack.app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok" });
  });

  test("/readyz is 200 with its checks in plain words", async () => {
    const res = await fetch(`${stack.app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", checks: { database: "ok", worker: "running" } });
  });

  test("/metrics serves the relay counters and process figures as Prometheus text", async () => {
    stack.app.metrics.received.inc({ outcome: "accepted" }, 3);
    const res = await fetch(`${stack.app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text).toContain('arm_relay_events_received_total{outcome="accepted"} 3');
    for (const name of ["arm_relay_delivered_total", "arm_relay_failed_total", "arm_relay_backlog", "arm_relay_end_to_end_seconds_bucket", "process_resident_memory_bytes"]) {
      expect(text).toContain(name);
    }
  });

  test("a failed request is logged once, with the request id sent back, and without its query string", async () => {
    const res = await fetch(`${stack.app.url}/api/connection?jwt=not-a-real-token-but-secret-looking`);
    expect(res.status).toBe(401);
    const reqId = res.headers.get("x-request-id")!;
    expect(reqId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = stack.logs.filter((l) => l.includes(reqId)).map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ reqId, msg: "Request failed", method: "GET", path: "/api/connection", status: 401 })]);
    expect(stack.logs.join("")).not.toContain("secret-looking");
  });

  test("a caller's own X-Request-Id is kept when it is safe to log", async () => {
    const res = await fetch(`${stack.app.url}/no-such-page`, { headers: { "X-Request-Id": "lb-trace-42" } });
    expect(res.headers.get("x-request-id")).toBe("lb-trace-42");
    const unsafe = await fetch(`${stack.app.url}/no-such-page`, { headers: { "X-Request-Id": "x\"} injected" } });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  // Last: it stops this stack's worker.
  test("/readyz turns 503 when the relay worker stops, while /healthz stays 200", async () => {
    await stack.app.worker!.stop();
    const res = await fetch(`${stack.app.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", checks: { database: "ok", worker: "stopped" } });
    expect((await fetch(`${stack.app.url}/healthz`)).status).toBe(200);
  });
});

describe("a process that does not run the worker (RELAY_WORKER=0)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { RELAY_WORKER: "0" } });
  });
  afterAll(() => stack?.close());

  test("is ready on the database alone", async () => {
    const res = await fetch(`${stack.app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", checks: { database: "ok", worker: "not run by this process" } });
  });
});

describe("METRICS_TOKEN", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_TOKEN } });
  });
  afterAll(() => stack?.close());

  test("/metrics needs the bearer token", async () => {
    const none = await fetch(`${stack.app.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain("arm_relay");
    const wrong = await fetch(`${stack.app.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${stack.app.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("arm_relay_events_received_total");
  });

  test("health probes stay open", async () => {
    expect((await fetch(`${stack.app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.app.url}/readyz`)).status).toBe(200);
  });
});

describe("/readyz over a real database", () => {
  let dir: string;
  let sequelize: Sequelize;
  let server: http.Server;
  let url: string;
  let worker: { running: boolean };
  const logs: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-readyz-"));
    const storage = path.join(dir, "ready.sqlite");
    sequelize = await openDatabase({ dialect: "sqlite", storage, url: `sqlite:${storage}` });
    worker = { running: true };
    const logger = createLogger("info", new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }));
    const app = express().use(
      healthRoutes({
        logger,
        readiness: () => checkReadiness({ pingDatabase: () => sequelize.query("SELECT 1"), worker: { isRunning: () => worker.running } }),
      }),
    );
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await sequelize.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("flips to 503 when the worker stops, and back when it runs", async () => {
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    worker.running = false;
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", checks: { database: "ok", worker: "stopped" } });
    worker.running = true;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  test("flips to 503 when the database is closed, and logs why; /healthz stays 200", async () => {
    await sequelize.close();
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", checks: { database: "unreachable", worker: "running" } });
    expect(logs.at(-1)).toContain("databaseError");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
