import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sqlite3 from "sqlite3";
import { StatementCache } from "../../../src/db/sqlite-statements";
import { openDatabase } from "../../../src/db/sequelize";
import { migrate } from "../../../src/db/migrate";
import { RelayWrites } from "../../../src/db/relay-writes";
import { query } from "../../../src/db/raw-sql";

const open = (file: string) => new Promise<sqlite3.Database>((resolve, reject) => {
  const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
});
const close = (db: sqlite3.Database) => new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
const run = (db: sqlite3.Database, sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));

describe("StatementCache (a real SQLite file)", () => {
  let dir: string;
  let db: sqlite3.Database;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-stmt-"));
    db = await open(path.join(dir, "t.sqlite"));
    await run(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("runs statements with fresh parameters each time, keeping one statement per text", async () => {
    const cache = new StatementCache(db);
    for (let i = 1; i <= 3; i++) await cache.all("INSERT INTO t (id, v) VALUES (?, ?)", [i, `v${i}`]);
    expect(await cache.all("SELECT v FROM t WHERE id >= ? ORDER BY id", [2])).toEqual([{ v: "v2" }, { v: "v3" }]);
    expect(await cache.all("SELECT v FROM t WHERE id >= ? ORDER BY id", [3])).toEqual([{ v: "v3" }]);
    expect(cache.size).toBe(2);
    await cache.finalizeAll();
    await close(db); // SQLite refuses to close a handle while any statement lives
  });

  test("keeps at most `capacity` statements, dropping the least recently used", async () => {
    const cache = new StatementCache(db, 2);
    await cache.all("SELECT 1 AS a", []);
    await cache.all("SELECT 2 AS a", []);
    await cache.all("SELECT 1 AS a", []); // used again: now the most recent
    await cache.all("SELECT 3 AS a", []);
    expect(cache.size).toBe(2);
    expect(await cache.all("SELECT 3 AS a", [])).toEqual([{ a: 3 }]);
    await cache.finalizeAll();
    await close(db);
  });

  test("a statement that does not prepare, or fails when run, rejects and is not kept", async () => {
    const cache = new StatementCache(db);
    await expect(cache.all("SELEC nonsense", [])).rejects.toThrow(/syntax error/);
    await cache.all("INSERT INTO t (id, v) VALUES (?, ?)", [1, "a"]);
    await expect(cache.all("INSERT INTO t (id, v) VALUES (?, ?)", [1, "b"])).rejects.toThrow(/UNIQUE/);
    expect(cache.size).toBe(0);
    await cache.all("INSERT INTO t (id, v) VALUES (?, ?)", [2, "b"]); // prepared afresh, and works
    expect(await cache.all("SELECT count(*) AS n FROM t", [])).toEqual([{ n: 2 }]);
    await cache.finalizeAll();
    await close(db);
  });
});

describe("RelayWrites keeps statements on its SQLite handle", () => {
  test("sequelize.close() still closes every handle, and a failed transaction starts over on a fresh handle", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-stmt-"));
    const storage = path.join(dir, "app.sqlite");
    const sequelize = await openDatabase({ dialect: "sqlite", storage, url: `sqlite:${storage}` });
    try {
      await migrate(sequelize);
      const writes = new RelayWrites(sequelize);
      const count = () => writes.runRaw((t) => query(t, "SELECT count(*) AS n FROM relay_events", []));
      expect(await count()).toEqual([{ n: 0 }]);
      // A constraint failure rolls back and throws; the next transaction works (on a new handle).
      await expect(
        writes.runRaw(async (t) => {
          await query(t, "INSERT INTO relay_deliveries (id, event_id, connection_id, endpoint, url, status, attempts, created_at, updated_at) VALUES ('d', 'no-such-event', 1, 'push', 'u', 'pending', 0, ?, ?)", [new Date(), new Date()]);
        }),
      ).rejects.toThrow(/FOREIGN KEY/);
      expect(await count()).toEqual([{ n: 0 }]);
    } finally {
      await sequelize.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
