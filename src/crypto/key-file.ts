/** The embedded default: a master key generated once into the data folder (readable by the owner only). */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function loadOrCreateKeyFile(dataDir: string): Buffer {
  const file = path.join(dataDir, "encryption.key");
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64") + "\n", { flag: "wx", mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key; remove it only if no secrets were stored with it`);
  return key;
}
