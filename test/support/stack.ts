/**
 * The whole product on loopback for integration tests: the app (real server, real database) between
 * a Bitbucket simulator and an ARM simulator, installed into workspace "acme" with repository "acme/payments".
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { QueryTypes, type Sequelize } from "sequelize";
import { loadConfig, type Config } from "../../src/config";
import { BitbucketClient } from "../../src/bitbucket/client";
import { loadOrCreateKeyFile } from "../../src/crypto/key-file";
import { deriveKeys } from "../../src/crypto/keys";
import { openDatabase } from "../../src/db/sequelize";
import type { RepoHooksApi } from "../../src/hooks/types";
import { createLogger } from "../../src/log";
import { startServer, type RunningServer } from "../../src/server";
import { freePort, startArmSimulator, startBitbucketSimulator, type ArmSim, type BitbucketSim, type InstalledApp } from "../../simulators";

export { freePort };
import { createScratchDatabase, postgresAvailable } from "./services";

export const WORKSPACE = "acme";
export const REPO = "acme/payments";
export const ORG = "autorabit.com";
export const ARM_TOKEN = "arm-webhook-token-0123456789abcdef";

/** The app's own tables, read with plain SQL (not through its models) to see what is really stored. */
export const TABLES = ["tenants", "connections", "managed_hooks"] as const;
export type Table = (typeof TABLES)[number];
export type Row = Record<string, unknown>;

export interface RawDatabase {
  rows(table: Table): Promise<Row[]>;
  /** Every row of every table, in a stable order: compare two of these to prove that nothing changed. */
  snapshot(): Promise<Record<Table, Row[]>>;
}

export interface Stack {
  app: RunningServer;
  config: Config;
  bitbucket: BitbucketSim;
  arm: ArmSim;
  clientKey: string;
  dataDir: string;
  /** Every log line the app wrote, for "never logs a secret" assertions. */
  logs: string[];
  /** Every body the settings page and API answered through settings() clients, for "never returns a secret" assertions. */
  responses: string[];
  /** Every secret this stack has handed out (ARM tokens, shared secrets of every install); tests add the tokens they invent. */
  secrets: Set<string>;
  db: RawDatabase;
  /** The settings API as the page in repository `repo` calls it. */
  settings(repo?: string, opts?: { user?: string }): Promise<SettingsClient>;
  /** A new repository in `workspace` (default acme); returns its full name. */
  addRepo(slug: string, workspace?: string): string;
  /** Installs the app into another workspace (signed as Bitbucket does); returns the clientKey. */
  installWorkspace(workspace: string): Promise<string>;
  /** The app as Bitbucket holds it (shared secret included) for the workspace of `repo`. */
  installed(repo?: string): InstalledApp;
  /** `{uuid}` of a simulated repository. */
  repoUuid(repo: string): string;
  /** The repository's hooks API as a person editing hooks in Bitbucket, behind the app's back. */
  byHand(repo: string): RepoHooksApi;
  /** The key that signs the settings page's session tokens (to mint expired or foreign ones). */
  sessionKey(): Buffer;
  close(): Promise<void>;
}

export interface SettingsClient {
  sessionToken: string;
  /** The iframe URL the page was loaded from (signed page JWT included). */
  pageUrl: string;
  /** A fresh AP.context.getToken() token for this page. */
  contextToken(): string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>;
}

function rawDatabase(sequelize: Sequelize): RawDatabase {
  const order: Record<Table, string> = { tenants: "client_key", connections: "id", managed_hooks: "id" };
  const db: RawDatabase = {
    rows: (table) => sequelize.query<Row>(`SELECT * FROM ${table} ORDER BY ${order[table]}`, { type: QueryTypes.SELECT }),
    async snapshot() {
      return { tenants: await db.rows("tenants"), connections: await db.rows("connections"), managed_hooks: await db.rows("managed_hooks") };
    },
  };
  return db;
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
  const inspector = await openDatabase(config.database);
  const responses: string[] = [];
  const secrets = new Set<string>([ARM_TOKEN]);
  const rememberSecrets = () => bitbucket.apps().forEach((a) => secrets.add(a.sharedSecret));
  bitbucket.addWorkspace(WORKSPACE);
  bitbucket.addRepository(WORKSPACE, "payments");
  const installed = await bitbucket.install(config.baseUrl, WORKSPACE);
  if (!installed.ok) throw new Error(`install failed: ${installed.status} ${installed.body}`);
  rememberSecrets();

  const installedFor = (repo: string) => {
    const workspace = repo.split("/")[0];
    const found = bitbucket.apps().find((a) => a.workspace === workspace);
    if (!found) throw new Error(`no app installed in ${workspace}`);
    return found;
  };
  const record = async (res: Response) => {
    const text = await res.text();
    responses.push(text);
    return text;
  };

  const stack: Stack = {
    app,
    config,
    bitbucket,
    arm,
    clientKey: installed.clientKey,
    dataDir,
    logs,
    responses,
    secrets,
    db: rawDatabase(inspector),
    async settings(repo = REPO, o = {}) {
      const pageUrl = bitbucket.adminPageIframeUrl(repo, o);
      const page = await fetch(pageUrl);
      const html = await record(page);
      if (page.status !== 200) throw new Error(`settings page answered ${page.status}: ${html}`);
      const context = JSON.parse(/<script id="arm-context" type="application\/json">(.*?)<\/script>/s.exec(html)![1]);
      return {
        sessionToken: context.sessionToken,
        pageUrl,
        contextToken: () => bitbucket.contextToken(repo, o),
        async call(method, p, body, headers = {}) {
          const res = await fetch(`${config.baseUrl}${p}`, {
            method,
            headers: {
              ...("Authorization" in headers ? {} : { Authorization: `JWT ${bitbucket.contextToken(repo, o)}` }),
              "X-ARM-Session": context.sessionToken,
              "Content-Type": "application/json",
              ...headers,
            },
            body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
          });
          const text = await record(res);
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep text */
          }
          return { status: res.status, body: parsed, text };
        },
      };
    },
    addRepo(slug, workspace = WORKSPACE) {
      return bitbucket.addRepository(workspace, slug).full_name;
    },
    async installWorkspace(workspace) {
      bitbucket.addWorkspace(workspace);
      const result = await bitbucket.install(config.baseUrl, workspace);
      if (!result.ok) throw new Error(`install into ${workspace} failed: ${result.status} ${result.body}`);
      rememberSecrets();
      return result.clientKey;
    },
    installed: (repo = REPO) => installedFor(repo),
    repoUuid: (repo) => bitbucket.repositories().find((r) => r.full_name === repo)!.uuid,
    byHand(repo) {
      const a = installedFor(repo);
      const client = new BitbucketClient({ creds: { appKey: a.key, clientKey: a.clientKey, sharedSecret: a.sharedSecret, baseApiUrl: bitbucket.url } });
      const [workspace, slug] = repo.split("/");
      return client.repoHooks(workspace, slug);
    },
    sessionKey: () => deriveKeys(config.encryptionKey ?? loadOrCreateKeyFile(dataDir)).sessionKey,
    async close() {
      await app.close();
      await inspector.close();
      await bitbucket.close();
      await arm.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

export type DatabaseKind = "sqlite" | "postgres";

/** The databases every app scenario runs on: SQLite always, PostgreSQL when reachable (required under CI). */
export function testDatabases(): [DatabaseKind][] {
  return [["sqlite"], ...(postgresAvailable() ? [["postgres"] as [DatabaseKind]] : [])];
}

/** A stack on a fresh database of that kind (a scratch PostgreSQL database is dropped on close). */
export async function startStackOn(kind: DatabaseKind, opts: { env?: Record<string, string> } = {}): Promise<Stack> {
  if (kind === "sqlite") return startStack(opts);
  const scratch = await createScratchDatabase();
  const stack = await startStack({ ...opts, databaseUrl: scratch.url }).catch(async (err) => {
    await scratch.drop();
    throw err;
  });
  const close = stack.close;
  stack.close = async () => {
    await close();
    await scratch.drop();
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

/** The exact ARM webhook URLs the app must register on the ARM simulator (REFERENCE section 1). */
export function armUrls(stack: Stack, org = ORG) {
  const base = `${stack.arm.url}/api/webhook/v2/${encodeURIComponent(org)}`;
  return {
    enterprisePush: `${base}/enterprise/trigger-scm-push-request`,
    enterpriseAlm: `${base}/enterprise/sync-alm-commits`,
    standardPush: `${base}/trigger-scm-push-request`,
  };
}

/** Texts that must never carry a secret, paired with what each is (for a readable failure). */
export function leakedSecrets(stack: Stack): string[] {
  const texts = [...stack.logs.map((t) => ["log", t]), ...stack.responses.map((t) => ["response", t])];
  const found: string[] = [];
  for (const secret of stack.secrets) {
    for (const [where, text] of texts) {
      if (text.includes(secret)) found.push(`${where} contains secret …${secret.slice(-4)}: ${text.slice(0, 200)}`);
    }
  }
  return found;
}

/**
 * Why an answer is not the settings API's error shape `{error: {message, code, field?}}` with one plain sentence
 * (no stack frames, no "Error:" prefixes); empty when it is.
 */
export function errorShapeProblems(body: unknown): string[] {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (typeof error !== "object" || error === null) return [`no error object in ${JSON.stringify(body)}`];
  const problems: string[] = [];
  const extra = Object.keys(error).filter((k) => !["message", "code", "field"].includes(k));
  if (extra.length > 0) problems.push(`unexpected keys ${extra.join(", ")}`);
  if (typeof error.code !== "string" || error.code === "") problems.push("no code");
  if (error.field !== undefined && typeof error.field !== "string") problems.push("field is not a string");
  const message = error.message;
  if (typeof message !== "string" || message.trim().length < 10) return [...problems, `message is not a sentence: ${String(message)}`];
  if (/\n\s*at |\bat .+:\d+:\d+\)?/.test(message)) problems.push(`stack frame in: ${message}`);
  if (/\b\w*Error:|^Error\b/.test(message)) problems.push(`error class prefix in: ${message}`);
  if (!/[.!?)"]$/.test(message.trim())) problems.push(`message does not end like a sentence: ${message}`);
  return problems;
}
