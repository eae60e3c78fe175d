/**
 * `npm run sandbox`: the whole product on this machine, to click through by hand. A Bitbucket simulator
 * with workspace `acme` (a clean repository and one carrying retired ARM hooks), an ARM simulator that
 * knows a webhook token for org `autorabit.com`, and the app on a fresh SQLite file, installed into `acme`.
 * Prints where to go and what to type; Ctrl-C stops everything.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig } from "../src/config";
import { startServer, type RunningServer } from "../src/server";
import { startArmSimulator, startBitbucketSimulator, type ArmSim, type BitbucketSim } from "../simulators";

const ROOT = path.resolve(__dirname, "..", "..");
const DATA_DIR = path.join(ROOT, "data", "sandbox");
const WORKSPACE = "acme";
const ORG = "autorabit.com";

function portFrom(variable: string, fallback: number): number {
  const raw = process.env[variable]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable} must be a port number (1-65535), got "${raw}"`);
  return port;
}

/** Starts one service, turning "port in use" into a sentence that names the variable to change. */
async function onPort<T>(what: string, variable: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(`Port ${port} is in use, so the ${what} cannot start. Stop what uses it, or set ${variable} to another port.`);
    }
    throw err;
  }
}

/** acme/payments has no hooks; acme/legacy-app has what older setups left behind, next to a hook that is not ARM's. */
function seed(bitbucket: BitbucketSim, arm: ArmSim): void {
  bitbucket.addWorkspace(WORKSPACE, "Acme");
  bitbucket.addRepository(WORKSPACE, "payments");
  bitbucket.addRepository(WORKSPACE, "legacy-app");
  const legacy = `${WORKSPACE}/legacy-app`;
  bitbucket.addHook(legacy, {
    url: `${arm.url}/autorabitrest/webhook/${ORG}/triggerSCMPushrequest`,
    description: "ARM build on commit (retired URL)",
    events: ["repo:push"],
  });
  bitbucket.addHook(legacy, {
    url: `${arm.url}/api/webhook/v2//enterprise/sync-alm-commits`, // the org lost in a copy-paste from the docs
    description: "ARM smart commits (broken URL)",
    events: ["repo:push"],
  });
  // `.invalid` never resolves, so deliveries to it fail at once instead of waiting for a timeout.
  bitbucket.addHook(legacy, { url: "https://jenkins.acme.invalid/bitbucket-hook/", description: "Jenkins", events: ["repo:push"] });
}

const NOTES: Record<string, string> = {
  [`${WORKSPACE}/payments`]: "no hooks yet",
  [`${WORKSPACE}/legacy-app`]: "a retired and a broken ARM hook, and a Jenkins hook",
};

function banner(bitbucket: BitbucketSim, arm: ArmSim, app: RunningServer, token: string): string {
  const repos = bitbucket.repositories(WORKSPACE).map((r) => r.full_name);
  const width = Math.max(...repos.map((r) => r.length));
  const push = JSON.stringify({ repo: `${WORKSPACE}/payments`, branch: "main", commits: [{ message: "[PAY-1] first change" }] });
  return [
    "",
    "ARM Connector sandbox is running.",
    "",
    `Bitbucket (simulator): ${bitbucket.url}/`,
    "Repository settings pages (the app runs in the iframe):",
    ...repos.map((r) => `  ${r.padEnd(width)}  ${bitbucket.settingsPageUrl(r)}${NOTES[r] ? `  (${NOTES[r]})` : ""}`),
    "Webhooks as Bitbucket lists them:",
    ...repos.map((r) => `  ${r.padEnd(width)}  ${bitbucket.url}/${r}/admin/webhooks`),
    `App: ${app.url}  (health: ${app.url}/healthz)`,
    "",
    "Type this into the settings page:",
    `  ARM instance URL   ${arm.url}`,
    `  Organization name  ${ORG}`,
    "  Edition            Enterprise",
    `  Webhook API token  ${token}`,
    "",
    "Push a commit (Bitbucket delivers it to the repository's hooks):",
    `  curl -s -X POST ${bitbucket.url}/_sim/push -H 'Content-Type: application/json' -d '${push}'`,
    "See what ARM received:",
    `  curl -s ${arm.url}/_sim/deliveries`,
    "",
    `Data: ${DATA_DIR} (fresh each run). Press Ctrl-C to stop.`,
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const bitbucketPort = portFrom("SANDBOX_BITBUCKET_PORT", 4100);
  const armPort = portFrom("SANDBOX_ARM_PORT", 4200);
  const appPort = portFrom("PORT", 3000);
  const closers: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) process.exit(code); // a second Ctrl-C does not wait
    stopping = true;
    if (code === 0) console.log("\nStopping the sandbox…");
    for (const close of closers.reverse()) await close().catch(() => undefined);
    if (code === 0) console.log("Stopped.");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    const bitbucket = await onPort("Bitbucket simulator", "SANDBOX_BITBUCKET_PORT", bitbucketPort, () =>
      startBitbucketSimulator({ port: bitbucketPort, allowInternalHookUrls: true }),
    );
    closers.push(() => bitbucket.close());
    const arm = await onPort("ARM simulator", "SANDBOX_ARM_PORT", armPort, () => startArmSimulator({ port: armPort }));
    closers.push(() => arm.close());
    const token = `arm-sandbox-${randomBytes(12).toString("hex")}`;
    arm.setToken(ORG, token);
    seed(bitbucket, arm);

    fs.rmSync(DATA_DIR, { recursive: true, force: true });
    fs.mkdirSync(DATA_DIR, { recursive: true });
    const config = loadConfig({
      NODE_ENV: "development",
      PORT: String(appPort),
      AC_LOCAL_BASE_URL: `http://127.0.0.1:${appPort}`,
      DATABASE_URL: `sqlite:${path.join(DATA_DIR, "arm-connector.sqlite")}`,
      DATA_DIR,
      // The ARM simulator is on loopback, which ALLOW_HTTP_LOOPBACK admits; the real ARM hosts stay allowed too.
      ALLOW_HTTP_LOOPBACK: "1",
      ARM_ALLOWED_HOSTS: process.env.ARM_ALLOWED_HOSTS || "*.autorabit.com",
      LOG_LEVEL: process.env.LOG_LEVEL || "info",
    });
    const app = await onPort("app", "PORT", appPort, () => startServer(config));
    closers.push(() => app.close());

    const installed = await bitbucket.install(config.baseUrl, WORKSPACE);
    if (!installed.ok) throw new Error(`Installing the app into ${WORKSPACE} failed: HTTP ${installed.status} ${installed.body.slice(0, 200)}`);
    console.log(banner(bitbucket, arm, app, token));
  } catch (err) {
    console.error(`Sandbox failed to start: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

void main();
