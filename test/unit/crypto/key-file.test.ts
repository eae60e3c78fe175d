/** The embedded default master key: generated once into the data folder, owner-readable only, then reused. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadOrCreateKeyFile } from "../../../src/crypto/key-file";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-key-file-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("loadOrCreateKeyFile", () => {
  test("creates the data folder and a 32-byte key file with mode 0600", () => {
    const dataDir = path.join(dir, "nested", "data");
    const key = loadOrCreateKeyFile(dataDir);
    expect(key).toHaveLength(32);
    const file = path.join(dataDir, "encryption.key");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64")).toEqual(key);
  });

  test("reuses the existing key: same bytes, file left as it was", () => {
    const first = loadOrCreateKeyFile(dir);
    const file = path.join(dir, "encryption.key");
    const before = { content: fs.readFileSync(file, "utf8"), mtime: fs.statSync(file).mtimeMs };
    const second = loadOrCreateKeyFile(dir);
    expect(second).toEqual(first);
    expect({ content: fs.readFileSync(file, "utf8"), mtime: fs.statSync(file).mtimeMs }).toEqual(before);
  });

  test("two data folders get two different keys", () => {
    expect(loadOrCreateKeyFile(path.join(dir, "a"))).not.toEqual(loadOrCreateKeyFile(path.join(dir, "b")));
  });

  test("a file that does not hold a 32-byte key is refused, not replaced", () => {
    const file = path.join(dir, "encryption.key");
    fs.writeFileSync(file, "not a key\n", { mode: 0o600 });
    expect(() => loadOrCreateKeyFile(dir)).toThrow(/32-byte/);
    expect(fs.readFileSync(file, "utf8")).toBe("not a key\n");
  });
});
