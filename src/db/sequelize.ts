/** Opens the database named by the config: an SQLite file (embedded default) or PostgreSQL. */
import fs from "node:fs";
import path from "node:path";
import { Sequelize } from "sequelize";
import type { DatabaseConfig } from "../config";

export async function openDatabase(db: DatabaseConfig): Promise<Sequelize> {
  if (db.dialect === "postgres") {
    const sequelize = new Sequelize(db.url, { dialect: "postgres", logging: false, pool: { max: 10, idle: 10_000 } });
    await sequelize.authenticate();
    return sequelize;
  }
  if (db.storage !== ":memory:") fs.mkdirSync(path.dirname(db.storage), { recursive: true });
  // Sequelize opens one SQLite handle, plus one per transaction, each with foreign keys on.
  // WAL lets readers go on while a transaction writes; it is a property of the file, so it is set once here.
  const sequelize = new Sequelize({ dialect: "sqlite", storage: db.storage, logging: false });
  await sequelize.query("PRAGMA journal_mode = WAL");
  return sequelize;
}
