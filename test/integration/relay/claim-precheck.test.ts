import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Sequelize } from "sequelize";
import { migrate } from "../../../src/db/migrate";
import { query } from "../../../src/db/raw-sql";
import { RelayWrites } from "../../../src/db/relay-writes";
import { openDatabase } from "../../../src/db/sequelize";
import { claimDueDeliveries } from "../../../src/relay/claim-due-deliveries";

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

describe("claiming on SQLite when nothing is due", () => {
  let dir: string;
  let sequelize: Sequelize;
  let writes: RelayWrites;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-claim-"));
    const storage = path.join(dir, "app.sqlite");
    sequelize = await openDatabase({ dialect: "sqlite", storage, url: `sqlite:${storage}` });
    await migrate(sequelize);
    writes = new RelayWrites(sequelize);
    await sequelize.query(`INSERT INTO tenants VALUES ('ck', 'x', 'https://bitbucket.org', 'https://api.bitbucket.org', 'bitbucket', NULL, NULL, '2026-12-03', '2026-12-03')`);
    await sequelize.query(
      `INSERT INTO connections (client_key, repo_uuid, repo_full_name, instance, org, edition, trigger_push, trigger_pull_requests, trigger_alm_sync,
         token_enc, token_last4, token_fingerprint, connected_at, created_at, updated_at)
       VALUES ('ck', '{r}', 'a/b', 'https://x.autorabit.com', 'o', 'standard', 1, 0, 0, 'x', 'abcd', 'f', '2026-12-03', '2026-12-03', '2026-12-03')`,
    );
  });
  afterEach(async () => {
    await sequelize.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const addDelivery = (id: string, dueAt: number, lease?: { until: number; by: string }) =>
    writes.runRaw(async (t) => {
      await query(t, "INSERT INTO relay_events (id, client_key, connection_id, event_key, source_request_uuid, status, body, body_size, received_at) VALUES (?, 'ck', 1, 'repo:push', ?, 'accepted', ?, 2, ?)", [
        `e-${id}`, `r-${id}`, Buffer.from("{}"), new Date(dueAt),
      ]);
      await query(t, "INSERT INTO relay_deliveries (id, event_id, connection_id, endpoint, url, status, attempts, next_attempt_at, lease_until, leased_by, created_at, updated_at) VALUES (?, ?, 1, 'push', 'https://x.autorabit.com/p', 'pending', 0, ?, ?, ?, ?, ?)", [
        id, `e-${id}`, new Date(dueAt), lease ? new Date(lease.until) : null, lease?.by ?? null, new Date(dueAt), new Date(dueAt),
      ]);
    });
  const claim = () => claimDueDeliveries(writes, { workerId: "w2", nowMs: T0, leaseMs: 60_000, limit: 10 });

  test("answers at once while intake holds the write lock: nothing later than now, nothing leased", async () => {
    await addDelivery("later", T0 + 5_000); // a retry not due yet
    await addDelivery("in-flight", T0 - 1_000, { until: T0 + 30_000, by: "w1" }); // handed to another worker
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const intake = writes.runRaw(() => held); // a long transaction holding SQLite's one write lock
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([claim(), new Promise((resolve) => (timer = setTimeout(() => resolve("blocked"), 2_000)))]);
    clearTimeout(timer);
    release();
    await intake;
    expect(outcome).toEqual([]);
  });

  test("claims what is due, and a lease that ran out, once the lock is free", async () => {
    await addDelivery("due", T0 - 1_000);
    await addDelivery("expired", T0 - 2_000, { until: T0 - 1, by: "crashed" });
    await addDelivery("later", T0 + 5_000);
    const claimed = await claim();
    expect(claimed.map((d) => d.id).sort()).toEqual(["due", "expired"]);
    expect(await claim()).toEqual([]); // now held by w2
  });
});
