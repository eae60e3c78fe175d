/**
 * The ARM side of the benchmark: the ARM simulator (express, raw body, X-Hub-Signature check), with each
 * receipt timed as it is recorded and matched to its send by the sequence number in the body. Receipts are
 * consumed rather than kept, so a 100,000-delivery drain does not grow the benchmark's own heap.
 */
import { startArmSimulator, type ArmDelivery, type ArmSim } from "../simulators";
import { seqIn } from "./payload";

export interface Receipts {
  arm: ArmSim;
  /** Distinct sequence numbers received with a valid signature and a 200. */
  readonly unique: number;
  /** Every request ARM got, duplicates and rejects included. */
  readonly total: number;
  readonly duplicates: number;
  readonly badSignatures: number;
  /** Requests ARM did not answer 200 (bad path, unknown org, bad signature). */
  readonly rejected: number;
  /** performance.now() of the first receipt of `seq`, or undefined. */
  receivedAt(seq: number): number | undefined;
  /** performance.now() of the latest first-receipt. */
  readonly lastAt: number;
  /** Forgets everything (between phases); from now on, sequence numbers below `minSeq` (late warm-up duplicates) are ignored. */
  reset(minSeq?: number): void;
  /** Resolves when `unique` reaches n, or rejects after `stallMs` without a new receipt. */
  waitForUnique(n: number, stallMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startArmReceipts(org: string, token: string): Promise<Receipts> {
  const arm = await startArmSimulator();
  arm.setToken(org, token);
  let times = new Map<number, number>();
  let total = 0;
  let duplicates = 0;
  let badSignatures = 0;
  let rejected = 0;
  let lastAt = 0;
  let minSeq = 0;
  let waiter: (() => void) | null = null;

  const record = (d: ArmDelivery) => {
    const now = performance.now();
    total++;
    if (d.signatureValid === false) badSignatures++;
    if (d.status !== 200) return void rejected++;
    const seq = seqIn(d.body);
    if (seq === null) return void rejected++;
    if (seq < minSeq) return;
    if (times.has(seq)) return void duplicates++;
    times.set(seq, now);
    lastAt = now;
    waiter?.();
  };
  // The simulator appends each delivery to this array; taking them here times them to the moment they are
  // recorded and keeps the array empty.
  arm.deliveries.push = (...items: ArmDelivery[]) => {
    items.forEach(record);
    return 0;
  };

  return {
    arm,
    get unique() {
      return times.size;
    },
    get total() {
      return total;
    },
    get duplicates() {
      return duplicates;
    },
    get badSignatures() {
      return badSignatures;
    },
    get rejected() {
      return rejected;
    },
    get lastAt() {
      return lastAt;
    },
    receivedAt: (seq) => times.get(seq),
    reset(from = 0) {
      times = new Map();
      total = duplicates = badSignatures = rejected = 0;
      lastAt = 0;
      minSeq = from;
    },
    waitForUnique(n, stallMs) {
      return new Promise((resolve, reject) => {
        let seen = times.size;
        const check = () => {
          if (times.size < n) return;
          finish();
          resolve();
        };
        const stall = setInterval(() => {
          if (times.size === seen) {
            finish();
            reject(new Error(`ARM received ${times.size} of ${n} deliveries, and nothing new for ${stallMs} ms`));
          }
          seen = times.size;
        }, stallMs);
        const finish = () => {
          clearInterval(stall);
          waiter = null;
        };
        waiter = check;
        check();
      });
    },
    close: () => arm.close(),
  };
}
