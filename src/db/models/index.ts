import type { Sequelize } from "sequelize";
import { ConnectionRow } from "./connection";
import { ManagedHookRow } from "./managed-hook";
import { RelayAttemptRow } from "./relay-attempt";
import { RelayDeliveryRow } from "./relay-delivery";
import { RelayEndpointHealthRow } from "./relay-endpoint-health";
import { RelayEventRow } from "./relay-event";
import { TenantRow } from "./tenant";

export { ConnectionRow, ManagedHookRow, RelayAttemptRow, RelayDeliveryRow, RelayEndpointHealthRow, RelayEventRow, TenantRow };

export function initModels(sequelize: Sequelize): void {
  TenantRow.initModel(sequelize);
  ConnectionRow.initModel(sequelize);
  ManagedHookRow.initModel(sequelize);
  RelayEventRow.initModel(sequelize);
  RelayDeliveryRow.initModel(sequelize);
  RelayAttemptRow.initModel(sequelize);
  RelayEndpointHealthRow.initModel(sequelize);
}
