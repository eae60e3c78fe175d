/**
 * The relay's write transactions. PostgreSQL runs them side by side. SQLite has one writer at a time, and a
 * transaction waiting for the file lock holds one of libuv's four threads (REFERENCE section 8: 50 concurrent
 * transactions hang), so in this process they queue here instead, and each begins IMMEDIATE: it takes the write
 * lock up front rather than upgrading from a read lock halfway, which SQLite would answer with SQLITE_BUSY.
 */
import { Transaction, type Sequelize } from "sequelize";
import { KeyedLock } from "../connections/keyed-lock";
import { StatementCache, type PreparingHandle } from "./sqlite-statements";

interface SqliteHandle extends PreparingHandle {
  exec(sql: string, done: (err: Error | null) => void): void;
  close(done?: (err: Error | null) => void): void;
}
interface RawHandle {
  uuid: string;
  handle: SqliteHandle;
  statements: StatementCache;
}
interface SqliteManager {
  connections: Record<string, SqliteHandle | undefined>;
  getConnection(options: { uuid: string }): Promise<SqliteHandle>;
}

interface PgClient {
  query(sql: string, params: unknown[]): Promise<unknown>;
}
interface PgManager {
  getConnection(options: { type: "write" }): Promise<PgClient>;
  releaseConnection(client: PgClient): void;
}

export class RelayWrites {
  private readonly lock = new KeyedLock();
  readonly dialect: "sqlite" | "postgres";
  private rawHandles = 0;
  private rawHandle: Promise<RawHandle> | null = null;
  private readonly manager: SqliteManager;
  /** An in-memory database is one shared handle: there raw work runs in an ordinary transaction. */
  private readonly ownHandle: boolean;

  constructor(readonly sequelize: Sequelize) {
    this.dialect = sequelize.getDialect() === "postgres" ? "postgres" : "sqlite";
    this.manager = (sequelize as unknown as { connectionManager: SqliteManager }).connectionManager;
    this.ownHandle = this.dialect === "sqlite" && (sequelize as unknown as { options: { storage?: string } }).options.storage !== ":memory:";
  }

  run<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (this.dialect === "postgres") return this.sequelize.transaction((t) => work(t));
    return this.lock.run("write", () => this.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, (t) => work(t)));
  }

  /**
   * For work made only of raw-sql.ts statements (intake, claims): on SQLite it runs on a handle of its own, begun
   * and committed with `exec`. A sequelize transaction costs two trips through libuv's pool for BEGIN and two for
   * COMMIT (prepare, then run), each waiting for a busy event loop while the write lock is held; `exec` costs one.
   */
  runRaw<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (!this.ownHandle) return this.run(work);
    return this.lock.run("write", async () => {
      const { uuid, handle, statements } = await (this.rawHandle ??= this.openRaw());
      const t = { connection: handle, sequelize: this.sequelize, statements } as unknown as Transaction;
      await exec(handle, "BEGIN IMMEDIATE");
      try {
        const result = await work(t);
        await exec(handle, "COMMIT");
        return result;
      } catch (err) {
        // Whatever state a failed statement or COMMIT left the handle in, the next transaction gets a fresh one.
        this.rawHandle = null;
        await exec(handle, "ROLLBACK").catch(() => undefined);
        delete this.manager.connections[uuid];
        handle.close();
        throw err;
      }
    });
  }

  /**
   * For work that is one statement, atomic by itself (an intake batch's insert on PostgreSQL, a claim): PostgreSQL
   * runs it on a pooled connection without BEGIN and COMMIT, two round trips fewer. A second statement throws.
   */
  async runStatement<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (this.dialect !== "postgres") return this.runRaw(work);
    const manager = (this.sequelize as unknown as { connectionManager: PgManager }).connectionManager;
    const client = await manager.getConnection({ type: "write" });
    let statements = 0;
    const once: PgClient = {
      query: (sql, params) => {
        if (statements++) throw new Error("runStatement work ran more than one statement");
        return client.query(sql, params);
      },
    };
    try {
      return await work({ connection: once, sequelize: this.sequelize } as unknown as Transaction);
    } finally {
      manager.releaseConnection(client);
    }
  }

  /**
   * Through sequelize's connection manager, so foreign keys are on and sequelize.close() closes it. Its statements
   * are kept (raw-sql.ts runs them), and SQLite refuses to close a handle with live statements: its close finalizes
   * them first, whoever calls it.
   */
  private async openRaw(): Promise<RawHandle> {
    const uuid = `relay-writes-${++this.rawHandles}`;
    try {
      const handle = await this.manager.getConnection({ uuid });
      await exec(handle, "PRAGMA foreign_keys = ON"); // sequelize's own pragma is not awaited; BEGIN first would void it
      const statements = new StatementCache(handle);
      const close = handle.close.bind(handle);
      handle.close = (done) => void statements.finalizeAll().then(() => close(done));
      return { uuid, handle, statements };
    } catch (err) {
      this.rawHandle = null;
      throw err;
    }
  }
}

function exec(handle: SqliteHandle, sql: string): Promise<void> {
  return new Promise((resolve, reject) => handle.exec(sql, (err) => (err ? reject(err) : resolve())));
}
