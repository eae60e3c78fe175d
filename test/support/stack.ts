/**
 * The whole product on loopback for integration tests: the app (real server, real database) between
 * a Bitbucket simulator and an ARM simulator, installed into workspace "acme" with repository "acme/payments".
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { loadConfig, type Config } from "../../src/config";
import { createLogger } from "../../src/log";
import { startServer, type RunningServer } from "../../src/server";
import { startArmSimulator, startBitbucketSimulator, type ArmSim, type BitbucketSim } from "../../simulators";

export const WORKSPACE = "acme";
export const REPO = "acme/payments";
export const ORG = "autorabit.com";
export const ARM_TOKEN = "arm-webhook-token-0123456789abcdef";

export interface Stack {
  app: RunningServer;
  config: Config;
  bitbucket: BitbucketSim;
  arm: ArmSim;
  clientKey: string;
  dataDir: string;
  /** Every log line the app wrote, for "never logs a secret" assertions. */
  logs: string[];
  /** The settings API as the page in repository `repo` calls it. */
  settings(repo?: string, opts?: { user?: string }): Promise<SettingsClient>;
  close(): Promise<void>;
}

export interface SettingsClient {
  sessionToken: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startStack(opts: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<Stack> {
  const bitbucket = await startBitbucketSimulator({ allowInternalHookUrls: true });
  const arm = await startArmSimulator();
  arm.setToken(ORG, ARM_TOKEN);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-connector-test-"));
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: String(port),
    AC_LOCAL_BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: opts.databaseUrl ?? `sqlite:${path.join(dataDir, "app.sqlite")}`,
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: opts.databaseUrl ? Buffer.alloc(32, 7).toString("base64") : "",
    ALLOW_HTTP_LOOPBACK: "1",
    LOG_LEVEL: "debug",
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await startServer(config, { logger: createLogger("debug", sink) });
  bitbucket.addWorkspace(WORKSPACE);
  bitbucket.addRepository(WORKSPACE, "payments");
  const installed = await bitbucket.install(config.baseUrl, WORKSPACE);
  if (!installed.ok) throw new Error(`install failed: ${installed.status} ${installed.body}`);

  const stack: Stack = {
    app,
    config,
    bitbucket,
    arm,
    clientKey: installed.clientKey,
    dataDir,
    logs,
    async settings(repo = REPO, o = {}) {
      const page = await fetch(bitbucket.adminPageIframeUrl(repo, o));
      const html = await page.text();
      if (page.status !== 200) throw new Error(`settings page answered ${page.status}: ${html}`);
      const context = JSON.parse(/<script id="arm-context" type="application\/json">(.*?)<\/script>/s.exec(html)![1]);
      return {
        sessionToken: context.sessionToken,
        async call(method, p, body, headers = {}) {
          const res = await fetch(`${config.baseUrl}${p}`, {
            method,
            headers: {
              Authorization: `JWT ${bitbucket.contextToken(repo, o)}`,
              "X-ARM-Session": context.sessionToken,
              "Content-Type": "application/json",
              ...headers,
            },
            body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
          });
          const text = await res.text();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep text */
          }
          return { status: res.status, body: parsed };
        },
      };
    },
    async close() {
      await app.close();
      await bitbucket.close();
      await arm.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** What the settings page sends for a default Enterprise connection to the ARM simulator. */
export function connectBody(stack: Stack, overrides: Record<string, unknown> = {}) {
  return {
    instance: stack.arm.url,
    org: ORG,
    edition: "enterprise",
    triggers: { push: true, pullRequests: true, almSync: true },
    token: ARM_TOKEN,
    ...overrides,
  };
}
