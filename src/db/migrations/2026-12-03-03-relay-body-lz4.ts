/**
 * PostgreSQL compresses a bytea over about 2 KB before storing it, with pglz by default. An event body is 2–10 KB
 * of JSON, so every intake paid for pglz: about 30 µs of server CPU per event, as much as the rest of the insert.
 * lz4 compresses as well for a fraction of that. It needs PostgreSQL 14 or later built with lz4; without it
 * (and on SQLite, which does not compress) nothing changes. Rows already stored keep their compression.
 */
import { QueryTypes, type QueryInterface } from "sequelize";

async function lz4Available(qi: QueryInterface): Promise<boolean> {
  if (qi.sequelize.getDialect() !== "postgres") return false;
  const rows = await qi.sequelize.query<{ ok: boolean }>(
    "SELECT 'lz4' = ANY(enumvals) AS ok FROM pg_settings WHERE name = 'default_toast_compression'",
    { type: QueryTypes.SELECT },
  );
  return rows[0]?.ok === true;
}

export async function up(qi: QueryInterface): Promise<void> {
  if (await lz4Available(qi)) await qi.sequelize.query("ALTER TABLE relay_events ALTER COLUMN body SET COMPRESSION lz4");
}

export async function down(qi: QueryInterface): Promise<void> {
  if (await lz4Available(qi)) await qi.sequelize.query("ALTER TABLE relay_events ALTER COLUMN body SET COMPRESSION default");
}
