/**
 * The one configuration object: read from the environment once at start-up, validated, frozen.
 * A bad value stops start-up with a message that names the variable.
 */
import path from "node:path";
import { z } from "zod";
import { parseHostPatterns } from "./arm/host-pattern";
import { DEFAULT_RETRY_SCHEDULE, parseDuration, parseRetrySchedule } from "./relay/retry-policy";

export type DatabaseConfig =
  | { dialect: "sqlite"; storage: string; url: string }
  | { dialect: "postgres"; url: string };

export interface Config {
  env: "development" | "test" | "production";
  port: number;
  /** Public https base URL that Bitbucket reaches (the descriptor's baseUrl). */
  baseUrl: string;
  appKey: string;
  database: DatabaseConfig;
  dataDir: string;
  /** Base64 or hex 32-byte key; null means "generate once into dataDir" (embedded SQLite default only). */
  encryptionKey: Buffer | null;
  armAllowedHosts: string[];
  allowHttpLoopback: boolean;
  /** Host globs whose Bitbucket may install the app (the install payload's baseUrl). */
  installHosts: string[];
  logLevel: string;
  relay: RelayConfig;
  /** Bearer token that /metrics requires; null leaves /metrics open (e.g. reachable only inside the cluster). */
  metricsToken: string | null;
}

/** The relay (issue 3): how and how hard deliveries to ARM are tried. */
export interface RelayConfig {
  /** Delay before each attempt, in ms (entry 0 from receipt); the delivery is given up after the last. */
  retrySchedule: number[];
  attemptTimeoutMs: number;
  /** At most this many attempts in flight per ARM endpoint URL, per process. */
  endpointConcurrency: number;
  /** An endpoint failing without a single success for this long is paused and the admin told. */
  pauseAfterMs: number;
  /** Whether this process runs a delivery worker (every process receives events). */
  worker: boolean;
  /** Finished deliveries, their attempts and events older than this are deleted (pending ones never). */
  retentionMs: number;
  /** How long a worker holds the deliveries it claimed; a crashed worker's are claimed again after this. */
  leaseMs: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = "ConfigError";
  }
}

const flag = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => ["1", "0", "true", "false", "yes", "no", ""].includes(v), "must be 1 or 0 (or true/false)")
  .transform((v) => ["1", "true", "yes"].includes(v));

function parseDatabase(raw: string | undefined, dataDir: string): DatabaseConfig {
  const value = raw?.trim() || `sqlite:${path.join(dataDir, "arm-connector.sqlite")}`;
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError("DATABASE_URL", "is not a valid postgres:// URL");
    }
    return { dialect: "postgres", url: value };
  }
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/.exec(value);
  if (sqlite) {
    const storage = sqlite[1] === ":memory:" ? ":memory:" : path.resolve(sqlite[1]);
    return { dialect: "sqlite", storage, url: value };
  }
  throw new ConfigError("DATABASE_URL", `must be postgres://… or sqlite:<path> (got "${value.slice(0, 40)}")`);
}

function parseKey(raw: string | undefined): Buffer | null {
  if (!raw || !raw.trim()) return null;
  const v = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, "hex") : Buffer.from(v, "base64");
  if (key.length !== 32) {
    throw new ConfigError("ENCRYPTION_KEY", "must be 32 bytes, as 64 hex characters or base64 (generate one: openssl rand -base64 32)");
  }
  return key;
}

/** A duration such as "15s"; RangeErrors from the parser become ConfigErrors naming the variable. */
function duration(variable: string, raw: string | undefined, fallback: string, bounds: { minMs: number; maxMs: number }): number {
  let ms: number;
  try {
    ms = parseDuration(raw?.trim() || fallback);
  } catch (e) {
    throw new ConfigError(variable, (e as Error).message);
  }
  if (ms < bounds.minMs || ms > bounds.maxMs) throw new ConfigError(variable, `must be between ${bounds.minMs} ms and ${bounds.maxMs} ms`);
  return ms;
}

function parseRelay(env: NodeJS.ProcessEnv): RelayConfig {
  let retrySchedule: number[];
  try {
    retrySchedule = parseRetrySchedule(env.RELAY_RETRY_SCHEDULE?.trim() || DEFAULT_RETRY_SCHEDULE);
  } catch (e) {
    throw new ConfigError("RELAY_RETRY_SCHEDULE", `${(e as Error).message} (default ${DEFAULT_RETRY_SCHEDULE})`);
  }
  const attemptTimeoutMs = duration("RELAY_ATTEMPT_TIMEOUT", env.RELAY_ATTEMPT_TIMEOUT, "15s", { minMs: 10, maxMs: 120_000 });
  // An attempt starts only if it can end 2 s before the lease does, so a shorter lease could never deliver anything.
  const minLeaseMs = 2 * attemptTimeoutMs + 2_000;
  const defaultLease = `${Math.max(60_000, 4 * attemptTimeoutMs)}ms`;
  return {
    retrySchedule,
    attemptTimeoutMs,
    endpointConcurrency: field("RELAY_ENDPOINT_CONCURRENCY", z.coerce.number().int().min(1).max(256).default(32), env.RELAY_ENDPOINT_CONCURRENCY || undefined),
    pauseAfterMs: duration("RELAY_PAUSE_AFTER", env.RELAY_PAUSE_AFTER, "5d", { minMs: 1000, maxMs: 365 * 86_400_000 }),
    worker: field("RELAY_WORKER", flag.default(true), env.RELAY_WORKER || undefined),
    retentionMs: duration("RELAY_RETENTION", env.RELAY_RETENTION, "30d", { minMs: 3_600_000, maxMs: 3650 * 86_400_000 }),
    leaseMs: duration("RELAY_LEASE", env.RELAY_LEASE, defaultLease, { minMs: minLeaseMs, maxMs: 3_600_000 }),
  };
}

function field<T>(variable: string, schema: z.ZodType<T>, raw: string | undefined): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw new ConfigError(variable, result.error.issues.map((i) => i.message).join("; "));
  return result.data;
}

/** Builds the config from an environment (process.env by default). Throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = field("NODE_ENV", z.enum(["development", "test", "production"]).default("development"), env.NODE_ENV || undefined);
  const port = field("PORT", z.coerce.number().int().min(0).max(65535).default(3000), env.PORT || undefined);
  const allowHttpLoopback = field("ALLOW_HTTP_LOOPBACK", flag.default(false), env.ALLOW_HTTP_LOOPBACK);
  if (allowHttpLoopback && nodeEnv === "production") {
    throw new ConfigError("ALLOW_HTTP_LOOPBACK", "is a development switch and is refused when NODE_ENV=production");
  }
  const baseUrl = field(
    "AC_LOCAL_BASE_URL",
    z
      .url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" })
      .transform((u) => u.replace(/\/+$/, ""))
      .default(`http://localhost:${port}`),
    env.AC_LOCAL_BASE_URL || undefined,
  );
  if (nodeEnv === "production" && !baseUrl.startsWith("https://")) {
    throw new ConfigError("AC_LOCAL_BASE_URL", "must be an https:// URL in production (Bitbucket only installs apps served over https)");
  }
  const dataDir = path.resolve(env.DATA_DIR?.trim() || "data");
  const database = parseDatabase(env.DATABASE_URL, dataDir);
  const encryptionKey = parseKey(env.ENCRYPTION_KEY);
  if (!encryptionKey && (nodeEnv === "production" || database.dialect === "postgres")) {
    throw new ConfigError(
      "ENCRYPTION_KEY",
      "is required with PostgreSQL or in production, so that every app process can read the secrets (generate one: openssl rand -base64 32)",
    );
  }
  let armAllowedHosts: string[];
  try {
    armAllowedHosts = parseHostPatterns(env.ARM_ALLOWED_HOSTS?.trim() || "*.autorabit.com");
  } catch (e) {
    throw new ConfigError("ARM_ALLOWED_HOSTS", (e as Error).message);
  }
  let installHosts: string[];
  try {
    installHosts = parseHostPatterns(env.AC_HOST_WHITELIST?.trim() || (nodeEnv === "production" ? "bitbucket.org" : "bitbucket.org,127.0.0.1,localhost"));
  } catch {
    // A pattern that can never match (a URL, "*") would refuse every install with no hint why.
    throw new ConfigError("AC_HOST_WHITELIST", "must be a comma-separated list of host names or *.domain wildcards, such as bitbucket.org");
  }
  return Object.freeze({
    env: nodeEnv,
    port,
    baseUrl,
    appKey: field("APP_KEY", z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, "must be 1-64 letters, digits, . _ -").default("arm-connector-bitbucket"), env.APP_KEY || undefined),
    database,
    dataDir,
    encryptionKey,
    armAllowedHosts,
    allowHttpLoopback,
    installHosts,
    logLevel: field("LOG_LEVEL", z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"), env.LOG_LEVEL || undefined),
    relay: parseRelay(env),
    metricsToken:
      field(
        "METRICS_TOKEN",
        z.string().regex(/^[\x21-\x7e]{16,256}$/, "must be 16-256 printable characters without spaces (generate one: openssl rand -hex 24)").optional(),
        env.METRICS_TOKEN?.trim() || undefined,
      ) ?? null,
  });
}
