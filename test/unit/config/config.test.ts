/** The configuration: defaults, and every variable's bad value stopping start-up with a ConfigError that names it. */
import path from "node:path";
import { ConfigError, loadConfig } from "../../../src/config";
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from "../../../src/relay/retry-policy";

const KEY_B64 = Buffer.alloc(32, 9).toString("base64");

/** The ConfigError that loading `env` throws (fails the test when it loads). */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig defaults", () => {
  test("an empty environment gives a development setup on the embedded SQLite database", () => {
    const config = loadConfig({});
    expect(config).toEqual({
      env: "development",
      port: 3000,
      baseUrl: "http://localhost:3000",
      appKey: "arm-connector-bitbucket",
      database: { dialect: "sqlite", storage: path.resolve("data", "arm-connector.sqlite"), url: `sqlite:${path.resolve("data", "arm-connector.sqlite")}` },
      dataDir: path.resolve("data"),
      encryptionKey: null,
      armAllowedHosts: ["*.autorabit.com"],
      allowHttpLoopback: false,
      installHosts: ["bitbucket.org", "127.0.0.1", "localhost"],
      logLevel: "info",
      relay: {
        retrySchedule: parseRetrySchedule(DEFAULT_RETRY_SCHEDULE),
        attemptTimeoutMs: 15_000,
        endpointConcurrency: 32,
        pauseAfterMs: 5 * 86_400_000,
        worker: true,
        retentionMs: 30 * 86_400_000,
        leaseMs: 60_000,
      },
      metricsToken: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("the base URL follows PORT and loses trailing slashes; DATA_DIR moves the default database", () => {
    expect(loadConfig({ PORT: "8080" }).baseUrl).toBe("http://localhost:8080");
    expect(loadConfig({ AC_LOCAL_BASE_URL: "https://arm.example.com//" }).baseUrl).toBe("https://arm.example.com");
    const config = loadConfig({ DATA_DIR: "/var/lib/arm" });
    expect(config.dataDir).toBe("/var/lib/arm");
    expect(config.database).toMatchObject({ dialect: "sqlite", storage: "/var/lib/arm/arm-connector.sqlite" });
  });

  test("production installs only from bitbucket.org and needs an https base URL and a key", () => {
    const config = loadConfig({ NODE_ENV: "production", AC_LOCAL_BASE_URL: "https://arm.example.com", ENCRYPTION_KEY: KEY_B64 });
    expect(config.installHosts).toEqual(["bitbucket.org"]);
    expect(config.env).toBe("production");
  });

  test("databases: postgres URLs, sqlite paths and :memory:", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u@db:5432/arm", ENCRYPTION_KEY: KEY_B64 }).database).toEqual({
      dialect: "postgres",
      url: "postgres://u@db:5432/arm",
    });
    expect(loadConfig({ DATABASE_URL: "postgresql://db/arm", ENCRYPTION_KEY: KEY_B64 }).database.dialect).toBe("postgres");
    expect(loadConfig({ DATABASE_URL: "sqlite:relative/app.db" }).database).toMatchObject({ storage: path.resolve("relative/app.db") });
    expect(loadConfig({ DATABASE_URL: "sqlite::memory:" }).database).toMatchObject({ storage: ":memory:" });
  });

  test("ENCRYPTION_KEY is read as 64 hex characters or base64, to the same 32 bytes", () => {
    const bytes = Buffer.alloc(32, 0xab);
    expect(loadConfig({ ENCRYPTION_KEY: bytes.toString("hex") }).encryptionKey).toEqual(bytes);
    expect(loadConfig({ ENCRYPTION_KEY: ` ${bytes.toString("base64")} ` }).encryptionKey).toEqual(bytes);
  });

  test("flags accept 1/0, true/false and yes/no", () => {
    for (const on of ["1", "true", "YES"]) expect(loadConfig({ ALLOW_HTTP_LOOPBACK: on }).allowHttpLoopback).toBe(true);
    for (const off of ["0", "false", "no", ""]) expect(loadConfig({ ALLOW_HTTP_LOOPBACK: off }).allowHttpLoopback).toBe(false);
    expect(loadConfig({ RELAY_WORKER: "0" }).relay.worker).toBe(false);
  });

  test("host lists are trimmed, lower-cased and de-duplicated", () => {
    expect(loadConfig({ ARM_ALLOWED_HOSTS: " Login.AutoRABIT.com, *.autorabit.com,login.autorabit.com " }).armAllowedHosts).toEqual([
      "login.autorabit.com",
      "*.autorabit.com",
    ]);
    expect(loadConfig({ AC_HOST_WHITELIST: "bitbucket.org, *.bitbucket.example" }).installHosts).toEqual(["bitbucket.org", "*.bitbucket.example"]);
  });
});

describe("loadConfig refuses bad values, naming the variable", () => {
  test.each([
    ["NODE_ENV", { NODE_ENV: "staging" }],
    ["PORT", { PORT: "http" }],
    ["PORT", { PORT: "70000" }],
    ["PORT", { PORT: "-1" }],
    ["PORT", { PORT: "80.5" }],
    ["ALLOW_HTTP_LOOPBACK", { ALLOW_HTTP_LOOPBACK: "maybe" }],
    ["AC_LOCAL_BASE_URL", { AC_LOCAL_BASE_URL: "arm.example.com" }],
    ["AC_LOCAL_BASE_URL", { AC_LOCAL_BASE_URL: "ftp://arm.example.com" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://db/arm" }],
    ["DATABASE_URL", { DATABASE_URL: "postgres://db:port/arm", ENCRYPTION_KEY: KEY_B64 }],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: "too-short" }],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: Buffer.alloc(16).toString("hex") }],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: Buffer.alloc(33).toString("base64") }],
    ["ARM_ALLOWED_HOSTS", { ARM_ALLOWED_HOSTS: "*.com" }],
    ["ARM_ALLOWED_HOSTS", { ARM_ALLOWED_HOSTS: "https://login.autorabit.com" }],
    ["ARM_ALLOWED_HOSTS", { ARM_ALLOWED_HOSTS: " , " }],
    ["AC_HOST_WHITELIST", { AC_HOST_WHITELIST: "https://bitbucket.org" }],
    ["AC_HOST_WHITELIST", { AC_HOST_WHITELIST: "*" }],
    ["APP_KEY", { APP_KEY: "arm connector" }],
    ["APP_KEY", { APP_KEY: "a".repeat(65) }],
    ["LOG_LEVEL", { LOG_LEVEL: "verbose" }],
    ["RELAY_RETRY_SCHEDULE", { RELAY_RETRY_SCHEDULE: "0,5x" }],
    ["RELAY_RETRY_SCHEDULE", { RELAY_RETRY_SCHEDULE: "0,,5s" }],
    ["RELAY_ATTEMPT_TIMEOUT", { RELAY_ATTEMPT_TIMEOUT: "soon" }],
    ["RELAY_ATTEMPT_TIMEOUT", { RELAY_ATTEMPT_TIMEOUT: "10m" }],
    ["RELAY_ENDPOINT_CONCURRENCY", { RELAY_ENDPOINT_CONCURRENCY: "0" }],
    ["RELAY_ENDPOINT_CONCURRENCY", { RELAY_ENDPOINT_CONCURRENCY: "many" }],
    ["RELAY_PAUSE_AFTER", { RELAY_PAUSE_AFTER: "100ms" }],
    ["RELAY_WORKER", { RELAY_WORKER: "sometimes" }],
    ["METRICS_TOKEN", { METRICS_TOKEN: "short" }],
    ["METRICS_TOKEN", { METRICS_TOKEN: "a token with spaces in it" }],
  ])("%s: %j", (variable, env) => {
    const err = refusal(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
    expect(err.message).toMatch(/^Invalid configuration: /);
  });

  test("ALLOW_HTTP_LOOPBACK=1 is refused in production", () => {
    const err = refusal({ NODE_ENV: "production", ALLOW_HTTP_LOOPBACK: "1", AC_LOCAL_BASE_URL: "https://arm.example.com", ENCRYPTION_KEY: KEY_B64 });
    expect(err.variable).toBe("ALLOW_HTTP_LOOPBACK");
    expect(err.message).toMatch(/production/);
  });

  test("production refuses an http base URL", () => {
    expect(refusal({ NODE_ENV: "production", AC_LOCAL_BASE_URL: "http://arm.example.com", ENCRYPTION_KEY: KEY_B64 }).variable).toBe("AC_LOCAL_BASE_URL");
  });

  test("PostgreSQL, or production, without ENCRYPTION_KEY is refused", () => {
    expect(refusal({ DATABASE_URL: "postgres://db/arm" }).variable).toBe("ENCRYPTION_KEY");
    expect(refusal({ DATABASE_URL: "postgres://db/arm", ENCRYPTION_KEY: "  " }).variable).toBe("ENCRYPTION_KEY");
    expect(refusal({ NODE_ENV: "production", AC_LOCAL_BASE_URL: "https://arm.example.com" }).variable).toBe("ENCRYPTION_KEY");
  });

  test("the message never echoes the encryption key", () => {
    const secretish = "c2VjcmV0LWJ1dC13cm9uZy1sZW5ndGg=";
    expect(refusal({ ENCRYPTION_KEY: secretish }).message).not.toContain(secretish);
  });
});
