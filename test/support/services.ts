/**
 * Which real services a test may use. On a newcomer's machine a missing PostgreSQL or Chromium skips
 * those tests with a message saying how to enable them; under CI (CI=true) it fails the run instead.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { Client } from "pg";

export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

export const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Synchronous probe (a child node process), so a test file can choose describe or describe.skip at load time. */
function canReach(url: string): boolean {
  const probe = `const {Client}=require("pg");const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:2000});` +
    `c.connect().then(()=>c.query("SELECT 1")).then(()=>process.exit(0),()=>process.exit(1))`;
  return spawnSync(process.execPath, ["-e", probe, url], { timeout: 5000 }).status === 0;
}

export function postgresAvailable(): boolean {
  const ok = canReach(POSTGRES_URL);
  if (!ok && IN_CI) throw new Error(`PostgreSQL is required under CI but ${POSTGRES_URL} cannot be reached`);
  if (!ok) {
    console.warn(
      `Skipping PostgreSQL tests: nothing answers at ${POSTGRES_URL}. Start PostgreSQL (trust auth, database "test") or set TEST_DATABASE_URL.`,
    );
  }
  return ok;
}

export function chromiumAvailable(): boolean {
  const ok = fs.existsSync(CHROMIUM_PATH);
  if (!ok && IN_CI) throw new Error(`Chromium is required under CI but ${CHROMIUM_PATH} does not exist`);
  if (!ok) console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM_PATH}. Install Debian's chromium package or set CHROMIUM_PATH.`);
  return ok;
}

/** A fresh, empty PostgreSQL database for one test file; dropped by the returned function. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `arm_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
