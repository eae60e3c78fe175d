import { checkReadiness } from "../../../src/ops/readiness";

const running = { isRunning: () => true };
const stopped = { isRunning: () => false };

test("ready when the database answers and the worker runs", async () => {
  expect(await checkReadiness({ pingDatabase: async () => [[{ 1: 1 }]], worker: running })).toEqual({
    ready: true,
    checks: { database: "ok", worker: "running" },
  });
});

test("a process without a worker is ready on the database alone", async () => {
  const r = await checkReadiness({ pingDatabase: async () => undefined, worker: null });
  expect(r).toEqual({ ready: true, checks: { database: "ok", worker: "not run by this process" } });
});

test("not ready when the worker has stopped", async () => {
  const r = await checkReadiness({ pingDatabase: async () => undefined, worker: stopped });
  expect(r.ready).toBe(false);
  expect(r.checks).toEqual({ database: "ok", worker: "stopped" });
});

test("a failing database is reported in plain words; the driver's message is kept for the log only", async () => {
  const r = await checkReadiness({ pingDatabase: async () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.5:5432")), worker: running });
  expect(r.ready).toBe(false);
  expect(r.checks.database).toBe("unreachable");
  expect(JSON.stringify(r.checks)).not.toContain("10.0.0.5");
  expect(r.databaseError).toContain("ECONNREFUSED");
});

test("a database that does not answer within the timeout is not ready", async () => {
  const started = Date.now();
  const r = await checkReadiness({ pingDatabase: () => new Promise(() => undefined), worker: running, timeoutMs: 30 });
  expect(Date.now() - started).toBeLessThan(1000);
  expect(r).toMatchObject({ ready: false, checks: { database: "timed out", worker: "running" } });
});
