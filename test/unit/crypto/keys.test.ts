/** One master key, separate derived keys per purpose: fingerprints, sealing and session signatures. */
import crypto from "node:crypto";
import { deriveKeys } from "../../../src/crypto/keys";

const master = Buffer.alloc(32, 3);
const other = Buffer.alloc(32, 4);
const TOKEN = "arm-webhook-token-0123456789abcdef";

describe("deriveKeys", () => {
  test("fingerprints are stable for one master key, 32 hex characters, and never contain the secret", () => {
    const fp = deriveKeys(master).fingerprint(TOKEN);
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(deriveKeys(master).fingerprint(TOKEN)).toBe(fp);
    expect(fp).not.toContain(TOKEN.slice(-8));
  });

  test("fingerprints depend on the secret and on the key", () => {
    const keys = deriveKeys(master);
    expect(keys.fingerprint(TOKEN)).not.toBe(keys.fingerprint(`${TOKEN}x`));
    expect(keys.fingerprint(TOKEN)).not.toBe(deriveKeys(other).fingerprint(TOKEN));
  });

  test("the session key is deterministic per master key and differs between master keys", () => {
    expect(deriveKeys(master).sessionKey).toEqual(deriveKeys(master).sessionKey);
    expect(deriveKeys(master).sessionKey).not.toEqual(deriveKeys(other).sessionKey);
    expect(deriveKeys(master).sessionKey).toHaveLength(32);
    expect(deriveKeys(master).sessionKey).not.toEqual(master);
  });

  test("secrets sealed under one master key open under the same key only", () => {
    const sealed = deriveKeys(master).secretBox.seal(TOKEN, "tenant:acme");
    expect(deriveKeys(master).secretBox.open(sealed, "tenant:acme")).toBe(TOKEN);
    expect(() => deriveKeys(other).secretBox.open(sealed, "tenant:acme")).toThrow();
  });

  test("purposes are separated: the session key is not the fingerprint key", () => {
    // A fingerprint is an HMAC of the secret; were the keys shared, HMAC(sessionKey, secret) would reproduce it.
    const keys = deriveKeys(master);
    const withSessionKey = crypto.createHmac("sha256", keys.sessionKey).update(TOKEN).digest("hex").slice(0, 32);
    expect(keys.fingerprint(TOKEN)).not.toBe(withSessionKey);
  });
});
