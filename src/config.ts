/**
 * The one configuration object: read from the environment once at start-up, validated, frozen.
 * A bad value stops start-up with a message that names the variable.
 */
import path from "node:path";
import { z } from "zod";
import { parseHostPatterns } from "./arm/host-pattern";

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
  const installHosts = (env.AC_HOST_WHITELIST?.trim() || (nodeEnv === "production" ? "bitbucket.org" : "bitbucket.org,127.0.0.1,localhost"))
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
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
  });
}
