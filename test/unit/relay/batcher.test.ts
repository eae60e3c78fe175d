import { Batcher } from "../../../src/relay/batcher";
import { KeyedSemaphore } from "../../../src/relay/keyed-semaphore";
import { TtlCache } from "../../../src/relay/ttl-cache";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("Batcher (group commit)", () => {
  test("items submitted together share one flush, and each gets its own result", async () => {
    const batches: number[][] = [];
    const b = new Batcher<number, number>({ maxBatch: 100, maxDelayMs: 5, flush: async (items) => (batches.push(items), items.map((i) => i * 10)) });
    const results = await Promise.all([1, 2, 3].map((i) => b.submit(i)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  test("a full batch goes at once; what queues during a flush goes next, one flush at a time", async () => {
    let running = 0;
    let maxRunning = 0;
    const batches: number[][] = [];
    const b = new Batcher<number, void>({
      maxBatch: 2,
      maxDelayMs: 10_000, // only fullness or a finished flush may start one
      flush: async (items) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        batches.push(items);
        await tick();
        running--;
        return items.map(() => undefined);
      },
    });
    await Promise.all([1, 2, 3, 4, 5, 6].map((i) => b.submit(i)));
    expect(batches).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(maxRunning).toBe(1);
  });

  test("a failed flush fails every item of its batch, and the next batch still runs", async () => {
    let calls = 0;
    const b = new Batcher<number, number>({
      maxBatch: 10,
      maxDelayMs: 1,
      flush: async (items) => {
        if (calls++ === 0) throw new Error("disk full");
        return items;
      },
    });
    const first = [b.submit(1), b.submit(2)].map((p) => p.catch((e: Error) => e.message));
    expect(await Promise.all(first)).toEqual(["disk full", "disk full"]);
    expect(await b.submit(3)).toBe(3);
  });

  test("drain waits for queued items", async () => {
    const done: number[] = [];
    const b = new Batcher<number, void>({ maxBatch: 10, maxDelayMs: 10_000, flush: async (items) => (done.push(...items), items.map(() => undefined)) });
    void b.submit(1);
    await b.drain();
    expect(done).toEqual([1]);
  });
});

describe("KeyedSemaphore", () => {
  test("at most `limit` tasks per key run at once; other keys are not held up", async () => {
    const sem = new KeyedSemaphore(2);
    const active: Record<string, number> = {};
    const peak: Record<string, number> = {};
    const task = (key: string) =>
      sem.run(key, async () => {
        active[key] = (active[key] ?? 0) + 1;
        peak[key] = Math.max(peak[key] ?? 0, active[key]);
        await tick();
        active[key]--;
        return key;
      });
    const results = await Promise.all([..."aaaaaa", ..."bb"].map(task));
    expect(results.join("")).toBe("aaaaaabb");
    expect(peak).toEqual({ a: 2, b: 2 });
  });

  test("a failing task frees its slot", async () => {
    const sem = new KeyedSemaphore(1);
    await expect(sem.run("k", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(sem.run("k", async () => "next")).resolves.toBe("next");
  });
});

describe("TtlCache", () => {
  test("reads through once per period, and concurrent reads share one load", async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<string, string>(1000, () => now);
    const load = async (k: string) => `${k}${++loads}`;
    expect(await Promise.all([cache.get("a", load), cache.get("a", load)])).toEqual(["a1", "a1"]);
    now = 999;
    expect(await cache.get("a", load)).toBe("a1");
    now = 1000;
    expect(await cache.get("a", load)).toBe("a2");
    cache.delete("a");
    expect(await cache.get("a", load)).toBe("a3");
  });

  test("a failed load is not remembered", async () => {
    const cache = new TtlCache<string, string>(1000, () => 0);
    await expect(cache.get("a", async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("a", async () => "up")).toBe("up");
  });

  test("keeps at most maxEntries keys, dropping the oldest", async () => {
    let loads = 0;
    const cache = new TtlCache<number, number>(1000, () => 0, 2);
    const load = async (k: number) => (loads++, k);
    for (const k of [1, 2, 3]) await cache.get(k, load);
    await cache.get(3, load);
    await cache.get(2, load);
    expect(loads).toBe(3);
    await cache.get(1, load);
    expect(loads).toBe(4);
  });
});
