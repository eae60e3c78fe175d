import { Batcher } from "../../../src/relay/batcher";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Batcher, lazy (the worker's results)", () => {
  /** Item 1's flush submits items 2 and 3, so they surely queue while a flush runs; returns the gap between flushes. */
  const gapAfterQueuedDuringFlush = async (lazy: boolean) => {
    const starts: number[] = [];
    const ends: number[] = [];
    const batches: number[][] = [];
    const later: Promise<void>[] = [];
    const b: Batcher<number, void> = new Batcher<number, void>({
      maxBatch: 100,
      maxDelayMs: 50,
      lazy,
      flush: async (items) => {
        starts.push(performance.now());
        batches.push(items);
        if (items[0] === 1) later.push(b.submit(2), b.submit(3));
        await sleep(5);
        ends.push(performance.now());
        return items.map(() => undefined);
      },
    });
    await b.submit(1);
    await Promise.all(later);
    expect(batches).toEqual([[1], [2, 3]]);
    return starts[1] - ends[0];
  };

  // The wait counts from when items 2 and 3 queued, ~5 ms before the first flush ended: the gap is about 45 ms
  // when lazy and about 0 otherwise. 25 ms splits the two with room for timer jitter on a busy machine.
  test("what queues during a flush waits about maxDelayMs from queueing before the next flush, and shares it", async () => {
    expect(await gapAfterQueuedDuringFlush(true)).toBeGreaterThanOrEqual(25);
  });

  test("without lazy, it goes as soon as the flush ends", async () => {
    expect(await gapAfterQueuedDuringFlush(false)).toBeLessThan(25);
  });

  test("a full queue still goes at once, lazy or not", async () => {
    const batches: number[][] = [];
    const b = new Batcher<number, void>({
      maxBatch: 2,
      maxDelayMs: 10_000,
      lazy: true,
      flush: async (items) => (batches.push(items), await sleep(1), items.map(() => undefined)),
    });
    await Promise.all([1, 2, 3, 4].map((i) => b.submit(i)));
    expect(batches).toEqual([[1, 2], [3, 4]]);
  });
});
