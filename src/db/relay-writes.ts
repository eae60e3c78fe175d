/**
 * The relay's write transactions. PostgreSQL runs them side by side. SQLite has one writer at a time, and a
 * transaction waiting for the file lock holds one of libuv's four threads (REFERENCE section 8: 50 concurrent
 * transactions hang), so in this process they queue here instead, and each begins IMMEDIATE: it takes the write
 * lock up front rather than upgrading from a read lock halfway, which SQLite would answer with SQLITE_BUSY.
 */
import { Transaction, type Sequelize } from "sequelize";
import { KeyedLock } from "../connections/keyed-lock";

export class RelayWrites {
  private readonly lock = new KeyedLock();
  readonly dialect: "sqlite" | "postgres";

  constructor(readonly sequelize: Sequelize) {
    this.dialect = sequelize.getDialect() === "postgres" ? "postgres" : "sqlite";
  }

  run<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (this.dialect === "postgres") return this.sequelize.transaction((t) => work(t));
    return this.lock.run("write", () => this.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, (t) => work(t)));
  }
}
