import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { createLogger } from "../../../src/log";
import { installShutdown } from "../../../src/ops/shutdown";

function setup(close: () => Promise<void>, deadlineMs = 5000) {
  const source = new EventEmitter();
  const exit = jest.fn<void, [number]>();
  const lines: string[] = [];
  const logger = createLogger("info", new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  const handle = installShutdown({ close }, { logger, exit, source, deadlineMs });
  return { source, exit, lines, handle };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

test("SIGTERM closes the server and exits 0 once it has stopped", async () => {
  let finish!: () => void;
  const close = jest.fn(() => new Promise<void>((r) => (finish = r)));
  const { source, exit } = setup(close);
  source.emit("SIGTERM", "SIGTERM");
  await tick();
  expect(close).toHaveBeenCalledTimes(1);
  expect(exit).not.toHaveBeenCalled(); // still finishing in-flight work
  finish();
  await tick();
  expect(exit).toHaveBeenCalledWith(0);
});

test("SIGINT is handled the same way", async () => {
  const { source, exit } = setup(async () => undefined);
  source.emit("SIGINT", "SIGINT");
  await tick();
  expect(exit.mock.calls).toEqual([[0]]);
});

test("a failing close exits 1", async () => {
  const { exit, handle } = setup(async () => Promise.reject(new Error("db close failed")));
  await handle.shutdown("test");
  expect(exit).toHaveBeenCalledWith(1);
});

test("a second signal exits 1 at once, without waiting for the close", async () => {
  const close = jest.fn(() => new Promise<void>(() => undefined));
  const { source, exit, lines } = setup(close);
  source.emit("SIGTERM", "SIGTERM");
  await tick();
  expect(exit).not.toHaveBeenCalled();
  source.emit("SIGINT", "SIGINT");
  expect(exit).toHaveBeenCalledWith(1);
  expect(exit).toHaveBeenCalledTimes(1);
  expect(close).toHaveBeenCalledTimes(1);
  expect(lines.join("")).toContain("Second stop request");
});

test("the deadline forces exit 1 when the close hangs", async () => {
  const { exit, handle, lines } = setup(() => new Promise<void>(() => undefined), 50);
  const started = Date.now();
  await handle.shutdown("test");
  expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  expect(exit).toHaveBeenCalledWith(1);
  expect(lines.join("")).toContain("deadline");
});

test("dispose removes the signal listeners", () => {
  const { source, handle } = setup(async () => undefined);
  expect(source.listenerCount("SIGTERM")).toBe(1);
  handle.dispose();
  expect(source.listenerCount("SIGTERM")).toBe(0);
  expect(source.listenerCount("SIGINT")).toBe(0);
});
