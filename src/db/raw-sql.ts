/**
 * The relay's hot statements, sent straight to the driver on a transaction's connection with bound parameters:
 * no model instances, no SQL re-parsing by sequelize, and on PostgreSQL bodies travel as binary bytea, not hex
 * text. Statements are written with `?` placeholders; PostgreSQL gets them numbered. SQLite compares dates as
 * text, so they are bound in exactly the form sequelize stores them ('YYYY-MM-DD HH:mm:ss.SSS +00:00').
 */
import type { Sequelize, Transaction } from "sequelize";
import type { StatementCache } from "./sqlite-statements";

type Param = string | number | boolean | null | Date | Buffer;
type Row = Record<string, unknown>;

interface SqliteHandle {
  all(sql: string, params: unknown[], done: (err: Error | null, rows: Row[]) => void): void;
}
interface PgClient {
  query(sql: string, params: unknown[]): Promise<{ rows: Row[] }>;
}

export const isPostgres = (t: Transaction): boolean => (t as unknown as { sequelize: Sequelize }).sequelize.getDialect() === "postgres";

export function sqliteDate(d: Date): string {
  const iso = d.toISOString(); // 2026-12-03T18:11:08.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} +00:00`;
}

/** A date column as read back: pg parses it already, SQLite returns the stored text. */
export function readDate(v: unknown): Date {
  if (v instanceof Date) return v;
  return new Date(String(v).replace(" ", "T").replace(" +00:00", "Z"));
}

/** Runs one statement in the transaction; returns its rows (RETURNING or SELECT), or none. */
export function query(t: Transaction, sql: string, params: Param[]): Promise<Row[]> {
  const connection = (t as unknown as { connection: unknown }).connection;
  if (isPostgres(t)) {
    let n = 0;
    return (connection as PgClient).query(sql.replace(/\?/g, () => `$${++n}`), params).then((r) => r.rows);
  }
  const bound = params.map((p) => (p instanceof Date ? sqliteDate(p) : typeof p === "boolean" ? Number(p) : p));
  // RelayWrites.runRaw's transactions keep their prepared statements.
  const statements = (t as unknown as { statements?: StatementCache }).statements;
  if (statements) return statements.all(sql, bound);
  return new Promise((resolve, reject) => (connection as SqliteHandle).all(sql, bound, (err, rows) => (err ? reject(err) : resolve(rows))));
}

/** `(?, ?, ?), (?, ?, ?)` for `rows` rows of `columns` values; `cast[i]` is appended to column i's placeholder. */
export function valuesList(rows: number, columns: number, cast: readonly string[] = []): string {
  const one = `(${Array.from({ length: columns }, (_, i) => `?${cast[i] ?? ""}`).join(", ")})`;
  return Array.from({ length: rows }, () => one).join(", ");
}

/** Splits rows so that no statement binds more than this many parameters (SQLite allows 32,766; PostgreSQL 65,535). */
export function chunks<T>(items: T[], paramsPerItem: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / paramsPerItem));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
