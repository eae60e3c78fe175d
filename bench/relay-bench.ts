/**
 * `npm run bench`: bursts of signed Connect deliveries at the relay (SQLite, and PostgreSQL when reachable)
 * and, in the same run and under the same load, at a bare forwarder (the baseline); then a large backlog
 * accepted with the worker off and drained with it on, watching the app's memory. See BENCHMARKS.md.
 */
import os from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { startBitbucketSimulator } from "../simulators";
import { startArmReceipts, type Receipts } from "./arm-receipts";
import { runLoad, type LoadResult } from "./load";
import { postgresReachable, POSTGRES_URL, scratchDatabase } from "./postgres";
import {
  backlogTable,
  baselineRate,
  burstTable,
  memoryVerdict,
  ratios,
  ratioTable,
  type BacklogFigures,
  type BurstFigures,
} from "./report";
import { percentile, rate } from "./stats";
import { ARM_TOKEN, EVENTS_PATH, installAndConnect, ORG, sqliteDatabase, startApp, startBaseline, type AppDatabase, type Sims, type UnderTest } from "./systems";

const BASELINE = "bare forwarder";

interface Options {
  events: number;
  warmup: number;
  concurrency: number;
  rounds: number;
  backlog: number;
  databases: string[];
  stall: number;
  cpuProf?: string;
  appEnv: Record<string, string>;
  nodeOptions: string;
}

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number");
  return n;
};

const collectEnv = (v: string, all: Record<string, string>) => {
  const at = v.indexOf("=");
  if (at < 1) throw new InvalidArgumentError("must be NAME=value");
  return { ...all, [v.slice(0, at)]: v.slice(at + 1) };
};

function parseOptions(): Options {
  const program = new Command("relay-bench")
    .description("Relay throughput, latency and memory against a bare forwarder measured in the same run.")
    .option("--events <n>", "deliveries per measured burst", count, 20_000)
    .option("--warmup <n>", "deliveries sent (and drained) before each burst", count, 2_000)
    .option("--concurrency <n>", "concurrent senders", count, 50)
    .option("--rounds <n>", "baseline + relay bursts, repeated", count, 1)
    .option("--backlog <n>", "deliveries in the memory-while-draining check (0 skips it)", count, 100_000)
    .option("--databases <list>", "sqlite,postgres (postgres only when reachable)", (v) => v.split(",").map((s) => s.trim()), ["sqlite", "postgres"])
    .option("--stall <seconds>", "give up waiting for deliveries after this long without one", count, 30)
    .option("--cpu-prof <dir>", "write a V8 CPU profile of each burst's system under test into this directory")
    .option("--node-options <flags>", "Node/V8 flags for both systems under test, e.g. --max-semi-space-size=32", "")
    .option("--app-env <name=value>", "extra environment for the app (repeatable), e.g. RELAY_ENDPOINT_CONCURRENCY=16", collectEnv, {})
    .parse();
  return program.opts<Options>();
}

/** Each system's profiles go to a folder of their own, named after it. */
const profileDir = (o: Options, system: string) => (o.cpuProf ? path.join(o.cpuProf, system.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")) : undefined);

/** One measured burst: warm-up (sent and delivered), then `events` deliveries, then wait until ARM has them all. */
async function burst(system: string, round: number, sut: UnderTest, receipts: Receipts, o: Options): Promise<BurstFigures> {
  const base = { baseUrl: sut.child.url, path: EVENTS_PATH, tenant: sut.tenant, template: sut.template, concurrency: o.concurrency };
  receipts.reset();
  const warm = await runLoad({ ...base, count: o.warmup, firstSeq: 0 });
  await receipts.waitForUnique(warm.accepted, o.stall * 1000);
  receipts.reset(o.warmup);
  const before = sut.child.sample();
  const benchBefore = process.cpuUsage();
  const load = await runLoad({ ...base, count: o.events, firstSeq: o.warmup });
  await receipts.waitForUnique(load.accepted, o.stall * 1000).catch((err: Error) => console.error(`  ${system}: ${err.message}`));
  const after = sut.child.sample();
  const benchCpu = process.cpuUsage(benchBefore);
  return {
    system,
    round,
    events: o.events,
    accepted: load.accepted,
    delivered: receipts.unique,
    acceptedPerSec: rate(load.accepted, load.endAt - load.startAt),
    deliveredPerSec: rate(receipts.unique, receipts.lastAt - load.startAt),
    acceptP50Ms: percentile(load.acceptMs, 50),
    acceptP99Ms: percentile(load.acceptMs, 99),
    ...endToEnd(load, o.warmup, receipts),
    peakRssMb: after.peakRssMb,
    cpuUsPerEvent: ((after.cpuMs - before.cpuMs) * 1000) / o.events,
    benchCpuUsPerEvent: (benchCpu.user + benchCpu.system) / o.events,
    statuses: load.statuses,
    duplicates: receipts.duplicates,
    badSignatures: receipts.badSignatures,
  };
}

function endToEnd(load: LoadResult, firstSeq: number, receipts: Receipts): { e2eP50Ms: number; e2eP99Ms: number } {
  const latencies: number[] = [];
  load.sentAt.forEach((sent, i) => {
    const received = receipts.receivedAt(firstSeq + i);
    if (received !== undefined) latencies.push(received - sent);
  });
  return { e2eP50Ms: percentile(latencies, 50), e2eP99Ms: percentile(latencies, 99) };
}

interface Database extends AppDatabase {
  name: string;
  dispose(): Promise<void>;
}

async function openDatabases(o: Options): Promise<Array<() => Promise<Database>>> {
  const makers: Array<() => Promise<Database>> = [];
  if (o.databases.includes("sqlite")) {
    makers.push(async () => {
      const db = sqliteDatabase();
      return { ...db, name: "relay (SQLite)", dispose: async () => db.remove() };
    });
  }
  if (o.databases.includes("postgres")) {
    if (await postgresReachable()) {
      makers.push(async () => {
        const scratch = await scratchDatabase();
        const files = sqliteDatabase(); // a data directory of its own
        return { url: scratch.url, dataDir: files.dataDir, name: "relay (PostgreSQL)", dispose: async () => (files.remove(), scratch.drop()) };
      });
    } else {
      console.log(`PostgreSQL: nothing answers at ${POSTGRES_URL}; skipped (set TEST_DATABASE_URL to include it).`);
    }
  }
  return makers;
}

async function stopChecked(sut: UnderTest): Promise<void> {
  const code = await sut.child.stop("SIGTERM");
  if (code !== 0) console.error(`  ${sut.child.name} exited with ${code} on SIGTERM:\n${sut.child.output()}`);
}

/** Accept `n` deliveries with the worker off, restart with it on, and sample the app's memory each second while it drains. */
async function backlog(db: Database, sims: Sims, receipts: Receipts, o: Options): Promise<BacklogFigures> {
  const accepting = await installAndConnect(sims, await startApp(db, { worker: false, env: o.appEnv, runtimeFlags: o.nodeOptions }));
  receipts.reset();
  const load = await runLoad({ baseUrl: accepting.child.url, path: EVENTS_PATH, tenant: accepting.tenant, template: accepting.template, concurrency: o.concurrency, count: o.backlog, firstSeq: 0 });
  if (receipts.total > 0) throw new Error(`RELAY_WORKER=0 was not honoured: ARM received ${receipts.total} deliveries`);
  await stopChecked(accepting);

  const draining = await startApp(db, { worker: true, env: o.appEnv, runtimeFlags: o.nodeOptions });
  const started = performance.now();
  const samples: number[] = [];
  let warmSample = -1;
  const sampler = setInterval(() => {
    samples.push(draining.sample().rssMb);
    // "Under way": a tenth delivered. Start-up and warm-up before that are not what this check is about.
    if (warmSample < 0 && receipts.unique >= load.accepted / 10) warmSample = samples.length - 1;
  }, 1000);
  await receipts.waitForUnique(load.accepted, o.stall * 1000).catch((err: Error) => console.error(`  backlog: ${err.message}`));
  clearInterval(sampler);
  samples.push(draining.sample().rssMb);
  const drainedPerSec = rate(receipts.unique, receipts.lastAt - started);
  await draining.stop("SIGTERM");
  return {
    system: db.name,
    backlog: load.accepted,
    acceptedPerSec: rate(load.accepted, load.endAt - load.startAt),
    acceptP99Ms: percentile(load.acceptMs, 99),
    drainedPerSec,
    rssSamplesMb: samples.map((s) => Math.round(s)),
    ...memoryVerdict(samples, Math.max(0, warmSample)),
  };
}

async function main(): Promise<void> {
  const o = parseOptions();
  console.log(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  console.log(`Node flags of both systems under test: ${o.nodeOptions || "(none)"}`);
  console.log(`Load: ${o.events} deliveries per burst after ${o.warmup} warm-up, ${o.concurrency} concurrent senders, ${o.rounds} round(s)`);
  const bitbucket = await startBitbucketSimulator({ allowInternalHookUrls: true });
  const receipts = await startArmReceipts(ORG, ARM_TOKEN);
  const sims: Sims = { bitbucket, armUrl: receipts.arm.url };
  const databases = await openDatabases(o);
  const rows: BurstFigures[] = [];
  const backlogs: BacklogFigures[] = [];
  try {
    for (let round = 1; round <= o.rounds; round++) {
      const baseline = await startBaseline(sims, { cpuProfDir: profileDir(o, BASELINE), runtimeFlags: o.nodeOptions });
      console.log(`Round ${round}: ${BASELINE}, payload ${baseline.template.payloadBytes} bytes`);
      rows.push(await burst(BASELINE, round, baseline, receipts, o));
      await baseline.child.stop("SIGTERM");
      for (const open of databases) {
        const db = await open();
        try {
          console.log(`Round ${round}: ${db.name}`);
          const sut = await installAndConnect(sims, await startApp(db, { worker: true, cpuProfDir: profileDir(o, db.name), env: o.appEnv, runtimeFlags: o.nodeOptions }));
          rows.push(await burst(db.name, round, sut, receipts, o));
          await stopChecked(sut);
        } finally {
          await db.dispose();
        }
      }
    }
    for (const open of o.backlog > 0 ? databases : []) {
      const db = await open();
      try {
        console.log(`Backlog of ${o.backlog}: ${db.name}`);
        const burstPeakMb = Math.max(...rows.filter((r) => r.system === db.name).map((r) => r.peakRssMb));
        backlogs.push({ ...(await backlog(db, sims, receipts, o)), ...(Number.isFinite(burstPeakMb) ? { burstPeakMb } : {}) });
      } finally {
        await db.dispose();
      }
    }
  } finally {
    await receipts.close();
    await bitbucket.close();
  }
  console.log(`\n${burstTable(rows)}\n\n${ratioTable(ratios(rows, BASELINE))}`);
  if (backlogs.length > 0) {
    console.log(`\n${backlogTable(backlogs, baselineRate(rows, BASELINE))}`);
    for (const b of backlogs) console.log(`  ${b.system} RSS each second (MB): ${b.rssSamplesMb.join(" ")}`);
  }
  console.log(`\nJSON: ${JSON.stringify({ options: o, bursts: rows, backlogs })}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
