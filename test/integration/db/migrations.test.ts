import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryTypes, type Sequelize } from "sequelize";
import { migrate, migrator } from "../../../src/db/migrate";
import { migrations } from "../../../src/db/migrations";
import { openDatabase } from "../../../src/db/sequelize";
import { createScratchDatabase, postgresAvailable } from "../../support/services";

const pg = postgresAvailable();

/** The compression of relay_events.body: 'l' lz4, '' the server's default (pglz). */
async function bodyCompression(sequelize: Sequelize): Promise<string> {
  const rows = await sequelize.query<{ c: string }>(
    "SELECT attcompression::text AS c FROM pg_attribute WHERE attrelid = 'relay_events'::regclass AND attname = 'body'",
    { type: QueryTypes.SELECT },
  );
  return rows[0].c;
}

describe("migrations", () => {
  test("SQLite: every migration runs up, and all of them back down to an empty schema", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-migrate-"));
    const storage = path.join(dir, "app.sqlite");
    const sequelize = await openDatabase({ dialect: "sqlite", storage, url: `sqlite:${storage}` });
    try {
      expect(await migrate(sequelize)).toEqual(migrations.map((m) => m.name));
      expect(await migrate(sequelize)).toEqual([]); // recorded: nothing runs twice
      await migrator(sequelize).down({ to: 0 });
      const tables = await sequelize.getQueryInterface().showAllTables();
      expect(tables.filter((t) => t !== "SequelizeMeta")).toEqual([]);
    } finally {
      await sequelize.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  (pg ? test : test.skip)("PostgreSQL: event bodies are compressed with lz4 when the server has it, and down restores the default", async () => {
    const scratch = await createScratchDatabase();
    const sequelize = await openDatabase({ dialect: "postgres", url: scratch.url });
    try {
      const [{ lz4 }] = await sequelize.query<{ lz4: boolean }>(
        "SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'",
        { type: QueryTypes.SELECT },
      );
      const expected = lz4 ? "l" : ""; // without lz4 the migration changes nothing
      await migrate(sequelize);
      expect(await bodyCompression(sequelize)).toBe(expected);
      await migrator(sequelize).down({ to: "2026-12-03-03-relay-body-lz4" });
      expect(await bodyCompression(sequelize)).toBe("");
      await migrate(sequelize);
      expect(await bodyCompression(sequelize)).toBe(expected);
    } finally {
      await sequelize.close();
      await scratch.drop();
    }
  });
});
