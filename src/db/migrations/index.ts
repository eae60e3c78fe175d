/** Every migration, in order. A new one is a new dated file added at the end of this list. */
import type { QueryInterface } from "sequelize";
import * as m20261203a from "./2026-12-03-01-tenants-connections";
import * as m20261203b from "./2026-12-03-02-relay";
import * as m20261203c from "./2026-12-03-03-relay-body-lz4";

export interface Migration {
  name: string;
  up(qi: QueryInterface): Promise<void>;
  down(qi: QueryInterface): Promise<void>;
}

export const migrations: Migration[] = [
  { name: "2026-12-03-01-tenants-connections", ...m20261203a },
  { name: "2026-12-03-02-relay", ...m20261203b },
  { name: "2026-12-03-03-relay-body-lz4", ...m20261203c },
];
