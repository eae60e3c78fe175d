/** AES-256-GCM sealing of secrets at rest: round trip, and every kind of tampering or mix-up refused. */
import crypto from "node:crypto";
import { createSecretBox } from "../../../src/crypto/secret-box";

const key = Buffer.alloc(32, 1);
const box = createSecretBox(key);
const BOUND = "connection:ari:cloud:bitbucket::app/{ws}/arm:{repo}";

/** Flips one bit of one base64url part of a sealed value (1: iv, 2: tag, 3: ciphertext). */
function tamper(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[part], "base64url");
  bytes[0] ^= 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("createSecretBox", () => {
  test.each(["arm-webhook-token-0123456789abcdef", "", "ünïcödé ✓ 秘密", "x".repeat(4096)])("round trip of %j", (plain) => {
    expect(box.open(box.seal(plain, BOUND), BOUND)).toBe(plain);
  });

  test("the sealed form is versioned, never contains the secret, and differs each time (fresh IV)", () => {
    const secret = "arm-webhook-token-0123456789abcdef";
    const a = box.seal(secret, BOUND);
    const b = box.seal(secret, BOUND);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toBe(b);
    for (const form of [secret, Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("base64url"), Buffer.from(secret).toString("hex")]) {
      expect(a).not.toContain(form);
    }
  });

  test.each([1, 2, 3] as const)("a flipped bit in part %i is refused", (part) => {
    const sealed = box.seal("arm-webhook-token-0123456789abcdef", BOUND);
    expect(() => box.open(tamper(sealed, part), BOUND)).toThrow();
  });

  test("a truncated ciphertext, a missing part or an unknown version is refused", () => {
    const sealed = box.seal("arm-webhook-token-0123456789abcdef", BOUND);
    const [v, iv, tag, body] = sealed.split(".");
    expect(() => box.open([v, iv, tag, body.slice(0, -2)].join("."), BOUND)).toThrow();
    expect(() => box.open([v, iv, tag].join("."), BOUND)).toThrow("Unreadable encrypted secret");
    expect(() => box.open(["v2", iv, tag, body].join("."), BOUND)).toThrow("Unreadable encrypted secret");
    expect(() => box.open("", BOUND)).toThrow();
  });

  test("a ciphertext copied to another owner (wrong binding) is refused", () => {
    const sealed = box.seal("shared-secret-of-acme", "tenant:acme");
    expect(() => box.open(sealed, "tenant:globex")).toThrow();
    expect(() => box.open(sealed, "")).toThrow();
    expect(box.open(sealed, "tenant:acme")).toBe("shared-secret-of-acme");
  });

  test("another key cannot open it", () => {
    const sealed = box.seal("arm-webhook-token-0123456789abcdef", BOUND);
    expect(() => createSecretBox(Buffer.alloc(32, 2)).open(sealed, BOUND)).toThrow();
    expect(() => createSecretBox(crypto.randomBytes(32)).open(sealed, BOUND)).toThrow();
  });

  test("only 32-byte keys are accepted", () => {
    expect(() => createSecretBox(Buffer.alloc(16))).toThrow("32 bytes");
    expect(() => createSecretBox(Buffer.alloc(33))).toThrow("32 bytes");
  });
});
