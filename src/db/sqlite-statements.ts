/**
 * Prepared statements kept on the relay's own SQLite handle. `Database#all(sql, …)` prepares, runs and finalizes:
 * three trips through libuv's pool, each waiting for a turn of a busy event loop while the write lock is held.
 * A kept statement is one trip. Statement text depends on the batch size, so the cache is bounded (least recently
 * used goes first). SQLite cannot close a handle with live statements: `finalizeAll` must run before it closes.
 */
type Row = Record<string, unknown>;

export interface SqliteStatement {
  all(params: unknown[], done: (err: Error | null, rows: Row[]) => void): void;
  finalize(done?: () => void): void;
}

export interface PreparingHandle {
  prepare(sql: string, done: (err: Error | null) => void): SqliteStatement;
}

interface Kept {
  statement: SqliteStatement;
  /** Settles when SQLite has prepared it. A statement whose prepare failed never runs the calls queued on it. */
  prepared: Promise<void>;
}

export class StatementCache {
  private readonly statements = new Map<string, Kept>();

  constructor(
    private readonly handle: PreparingHandle,
    private readonly capacity = 200,
  ) {}

  get size(): number {
    return this.statements.size;
  }

  /** Runs `sql` with `params` on a kept statement; a statement that failed is dropped, so a broken one is never reused. */
  async all(sql: string, params: unknown[]): Promise<Row[]> {
    const kept = this.take(sql);
    try {
      await kept.prepared;
      return await new Promise<Row[]>((resolve, reject) => kept.statement.all(params, (err, rows) => (err ? reject(err) : resolve(rows))));
    } catch (err) {
      if (this.statements.get(sql) === kept) this.statements.delete(sql);
      kept.statement.finalize();
      throw err;
    }
  }

  /** Finalizes every kept statement; resolves once SQLite has let go of all of them. */
  async finalizeAll(): Promise<void> {
    const all = [...this.statements.values()];
    this.statements.clear();
    // One whose prepare failed is finalized by SQLite already (and would never call back).
    await Promise.all(all.map(({ statement, prepared }) => prepared.then(() => new Promise<void>((resolve) => statement.finalize(() => resolve())), () => undefined)));
  }

  private take(sql: string): Kept {
    const found = this.statements.get(sql);
    if (found) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.statements.delete(sql);
      this.statements.set(sql, found);
      return found;
    }
    let statement!: SqliteStatement;
    const prepared = new Promise<void>((resolve, reject) => (statement = this.handle.prepare(sql, (err) => (err ? reject(err) : resolve()))));
    prepared.catch(() => undefined); // observed by the call that waits on it
    const kept = { statement, prepared };
    this.statements.set(sql, kept);
    if (this.statements.size > this.capacity) {
      const [oldest, evicted] = this.statements.entries().next().value as [string, Kept];
      this.statements.delete(oldest);
      evicted.statement.finalize();
    }
    return kept;
  }
}
