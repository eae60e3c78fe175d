import type { Sequelize } from "sequelize";
import { ConnectionRow } from "./connection";
import { ManagedHookRow } from "./managed-hook";
import { TenantRow } from "./tenant";

export { ConnectionRow, ManagedHookRow, TenantRow };

export function initModels(sequelize: Sequelize): void {
  TenantRow.initModel(sequelize);
  ConnectionRow.initModel(sequelize);
  ManagedHookRow.initModel(sequelize);
}
