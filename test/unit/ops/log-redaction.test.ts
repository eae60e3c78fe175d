import { Writable } from "node:stream";
import { createLogger } from "../../../src/log";

const SHARED_SECRET = "shared-secret-4f1d9a7c2b";
const ARM_TOKEN = "arm-webhook-token-8e2c5b";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl";
const SIGNATURE = "sha256=0b5e7fdc9a0d3c1e";
const SESSION = "session-token-77aa";
const SECRETS = [SHARED_SECRET, ARM_TOKEN, JWT, SIGNATURE, SESSION];

function capture() {
  const lines: string[] = [];
  const logger = createLogger("trace", new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  return { logger, text: () => lines.join("") };
}

test("secrets are redacted in every shape the app logs them", () => {
  const { logger, text } = capture();
  logger.info({ sharedSecret: SHARED_SECRET, token: ARM_TOKEN, jwt: JWT }, "top level");
  logger.info({ tenant: { clientKey: "ck", sharedSecret: SHARED_SECRET } }, "one level down");
  logger.info({ connection: { settings: { token: ARM_TOKEN } }, tenant: { secret: { sharedSecret: SHARED_SECRET } } }, "two levels down");
  logger.info({ armToken: ARM_TOKEN, delivery: { armToken: ARM_TOKEN, jwt: JWT } }, "named tokens");
  logger.info({ headers: { authorization: `JWT ${JWT}`, "x-hub-signature": SIGNATURE, "x-arm-session": SESSION } }, "a header set");
  logger.warn({ req: { headers: { authorization: `JWT ${JWT}`, "x-hub-signature": SIGNATURE, "x-arm-session": SESSION } } }, "request headers");
  logger.warn({ request: { headers: { Authorization: `JWT ${JWT}`, "X-Hub-Signature": SIGNATURE } } }, "outgoing headers");
  logger.error({ authorization: `Bearer ${JWT}`, install: { authorization: `JWT ${JWT}` } }, "bare authorization");
  const out = text();
  for (const secret of SECRETS) expect(out).not.toContain(secret);
  // Redacted, not dropped: each line shows that something was there.
  for (const line of out.trim().split("\n")) expect(line).toContain("[redacted]");
  // Whatever is not secret stays readable.
  expect(out).toContain('"clientKey":"ck"');
});

test("each line is one JSON object with the level and message", () => {
  const { logger, text } = capture();
  logger.warn({ reqId: "r-1", status: 401 }, "Request failed");
  const line = JSON.parse(text().trim());
  expect(line).toMatchObject({ level: 40, reqId: "r-1", status: 401, msg: "Request failed" });
});
