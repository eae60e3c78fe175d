/** The retention schedule: once at start, then every interval, with the injected clock; failures logged, runs never overlap. */
import { Writable } from "node:stream";
import { createLogger } from "../../../src/log";
import { RetentionJob, type Purged } from "../../../src/relay/retention";

const HOUR = 3_600_000;
const NONE: Purged = { deliveries: 0, attempts: 0, events: 0 };

function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger("info", sink) };
}

const flush = () => new Promise<void>((r) => jest.requireActual<typeof import("timers")>("timers").setImmediate(r));

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test("runs once at start and then hourly, passing the injected clock's time", async () => {
  let clock = 1_000_000;
  const calls: number[] = [];
  const { logger, lines } = logSink();
  const job = new RetentionJob({ purge: async (nowMs) => (calls.push(nowMs), { ...NONE, deliveries: 2 }), logger, now: () => clock });
  job.start();
  await flush();
  expect(calls).toEqual([1_000_000]);
  clock += HOUR;
  jest.advanceTimersByTime(HOUR - 1);
  await flush();
  expect(calls).toHaveLength(1);
  jest.advanceTimersByTime(1);
  await flush();
  expect(calls).toEqual([1_000_000, 1_000_000 + HOUR]);
  await job.stop();
  jest.advanceTimersByTime(5 * HOUR);
  await flush();
  expect(calls).toHaveLength(2);
  expect(lines.filter((l) => l.deliveries === 2)).toHaveLength(2);
});

test("a failing run is logged and the next interval tries again", async () => {
  const { logger, lines } = logSink();
  let fail = true;
  let runs = 0;
  const job = new RetentionJob({
    purge: async () => {
      runs++;
      if (fail) throw new Error("database unreachable");
      return NONE;
    },
    logger,
    intervalMs: 1000,
  });
  job.start();
  await flush();
  expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/retention failed/)]);
  fail = false;
  jest.advanceTimersByTime(1000);
  await flush();
  expect(runs).toBe(2);
  expect(lines).toHaveLength(1); // nothing deleted: nothing to say
  await job.stop();
});

test("a run still going when the next is due is not started twice; stop waits for it", async () => {
  let release!: () => void;
  let runs = 0;
  let finished = false;
  const job = new RetentionJob({
    purge: () => {
      runs++;
      return new Promise<Purged>((resolve) => (release = () => ((finished = true), resolve(NONE))));
    },
    logger: logSink().logger,
    intervalMs: 1000,
  });
  job.start();
  jest.advanceTimersByTime(3000);
  await flush();
  expect(runs).toBe(1);
  const stopped = job.stop();
  let done = false;
  void stopped.then(() => (done = true));
  await flush();
  expect(done).toBe(false);
  release();
  await stopped;
  expect(finished).toBe(true);
});
