/** Structured JSON logs. Secrets are redacted by path, wherever they appear in a logged object. */
import pino, { type Logger } from "pino";

export type { Logger };

export const REDACT_PATHS = [
  "sharedSecret",
  "*.sharedSecret",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "*.*.secret",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  "*.headers['x-arm-session']",
  "*.headers['x-hub-signature']",
  // Secrets one level deeper, and header sets logged on their own or under `req`/`request`.
  "*.*.token",
  "*.*.sharedSecret",
  "armToken",
  "*.armToken",
  "jwt",
  "*.jwt",
  "headers.authorization",
  "headers['x-hub-signature']",
  "headers['x-arm-session']",
  "*.headers['X-Hub-Signature']",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: undefined }, destination);
}
