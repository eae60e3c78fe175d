/**
 * The two systems under test, each a child process between the in-process simulators: the bare forwarder
 * (baseline) and the app itself, installed from the Bitbucket simulator and connected in relay mode through
 * the settings API, as an admin would.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildArmUrl } from "../src/arm/endpoints";
import { freePort, type BitbucketSim } from "../simulators";
import { startChild, type Child } from "./child";
import type { Tenant } from "./load";
import { pushTemplate, type DeliveryTemplate } from "./payload";

export const ORG = "bench.autorabit.com";
export const ARM_TOKEN = `bench-arm-token-${randomBytes(12).toString("hex")}`;
export const EVENTS_PATH = "/events";

export interface Sims {
  bitbucket: BitbucketSim;
  armUrl: string;
}

export interface UnderTest {
  child: Child;
  tenant: Tenant;
  template: DeliveryTemplate;
}

let workspaces = 0;
/** A fresh workspace and repository per system, so that each install gets its own client key. */
function newRepository(sims: Sims): { workspace: string; repo: string } {
  const workspace = `bench${++workspaces}`;
  sims.bitbucket.addWorkspace(workspace);
  sims.bitbucket.addRepository(workspace, "payments");
  return { workspace, repo: `${workspace}/payments` };
}

/** How a system under test is run: extra Node/V8 flags (the same for both systems in a run) and profiling. */
export interface RunOptions {
  runtimeFlags?: string;
  /** Write a V8 CPU profile into this folder on exit. */
  cpuProfDir?: string;
}

/** Starts the bare forwarder, run as the app is. */
export async function startBaseline(sims: Sims, run: RunOptions = {}): Promise<UnderTest> {
  const { repo } = newRepository(sims);
  const template = await pushTemplate(sims.bitbucket, repo);
  const port = await freePort();
  const tenant = { clientKey: `bench-baseline-${port}`, sharedSecret: randomBytes(32).toString("base64url") };
  const child = await startChild("bare forwarder", "bench/bare-forwarder.js", port, {
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    CLIENT_KEY: tenant.clientKey,
    SHARED_SECRET: tenant.sharedSecret,
    TARGET_URL: buildArmUrl({ instance: sims.armUrl, org: ORG, edition: "standard" }, "push"),
    ARM_TOKEN,
  }, cpuProfArgs(run.cpuProfDir), run.runtimeFlags);
  return { child, tenant, template };
}

export interface AppDatabase {
  url: string;
  dataDir: string;
}

export function sqliteDatabase(): AppDatabase & { remove(): void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-bench-"));
  return { url: `sqlite:${path.join(dataDir, "app.sqlite")}`, dataDir, remove: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

const ENCRYPTION_KEY = randomBytes(32).toString("base64");

const cpuProfArgs = (dir?: string) => (dir ? ["--cpu-prof", "--cpu-prof-dir", dir] : []);

/** Starts the app on `db`; `worker: false` accepts without delivering (RELAY_WORKER=0). */
export async function startApp(db: AppDatabase, opts: RunOptions & { worker: boolean; env?: Record<string, string> }): Promise<Child> {
  const port = await freePort();
  return startChild("app", "src/main.js", port, {
    NODE_ENV: "test",
    PORT: String(port),
    AC_LOCAL_BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: db.url,
    DATA_DIR: db.dataDir,
    ENCRYPTION_KEY,
    ALLOW_HTTP_LOOPBACK: "1",
    LOG_LEVEL: "warn",
    RELAY_WORKER: opts.worker ? "1" : "0",
    RELAY_RETRY_SCHEDULE: "0,1s,2s,5s",
    ...opts.env,
  }, cpuProfArgs(opts.cpuProfDir), opts.runtimeFlags);
}

/** Installs the app into a fresh workspace and connects its repository in relay mode through the settings API. */
export async function installAndConnect(sims: Sims, child: Child): Promise<UnderTest> {
  const { workspace, repo } = newRepository(sims);
  // Made before the install, so that these two pushes are not relayed.
  const template = await pushTemplate(sims.bitbucket, repo);
  const installed = await sims.bitbucket.install(child.url, workspace);
  if (!installed.ok) throw new Error(`install failed: ${installed.status} ${installed.body}`);
  const app = sims.bitbucket.apps().find((a) => a.clientKey === installed.clientKey)!;
  const page = await fetch(sims.bitbucket.adminPageIframeUrl(repo));
  const html = await page.text();
  const context = /<script id="arm-context" type="application\/json">(.*?)<\/script>/s.exec(html);
  if (page.status !== 200 || !context) throw new Error(`settings page answered ${page.status}`);
  const res = await fetch(`${child.url}/api/connection`, {
    method: "PUT",
    headers: {
      Authorization: `JWT ${sims.bitbucket.contextToken(repo)}`,
      "X-ARM-Session": JSON.parse(context[1]).sessionToken,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      instance: sims.armUrl,
      org: ORG,
      edition: "standard",
      triggers: { push: true, pullRequests: false, almSync: false },
      token: ARM_TOKEN,
      deliveryMode: "relay",
    }),
  });
  if (res.status !== 200) throw new Error(`connecting in relay mode failed: ${res.status} ${await res.text()}`);
  return { child, tenant: { clientKey: app.clientKey, sharedSecret: app.sharedSecret }, template };
}
