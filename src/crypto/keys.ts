/**
 * One master key, several purposes: each use gets its own key derived with HKDF, so a fingerprint
 * or a session signature can never be used to decrypt anything.
 */
import crypto from "node:crypto";
import { createSecretBox, type SecretBox } from "./secret-box";

export interface AppKeys {
  secretBox: SecretBox;
  /** Identifies a secret without revealing it (what Bitbucket hooks were given). */
  fingerprint(secret: string): string;
  /** HMAC key for the settings page's repository-binding session tokens. */
  sessionKey: Buffer;
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", master, Buffer.alloc(0), `arm-connector:${purpose}`, 32));
}

export function deriveKeys(master: Buffer): AppKeys {
  const fingerprintKey = derive(master, "fingerprint");
  return {
    secretBox: createSecretBox(derive(master, "encryption")),
    fingerprint: (secret) => crypto.createHmac("sha256", fingerprintKey).update(secret, "utf8").digest("hex").slice(0, 32),
    sessionKey: derive(master, "session"),
  };
}
