import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/**
 * pending: waiting for (another) attempt; delivered: ARM answered 2xx; failed: given up;
 * skipped: deliberately not sent (e.g. an ALM commit-sync push without a story key).
 */
export type DeliveryStatus = "pending" | "delivered" | "failed" | "skipped";

/** One event for one ARM endpoint. Its id is the X-Request-UUID ARM receives on every attempt. */
export class RelayDeliveryRow extends Model<InferAttributes<RelayDeliveryRow>, InferCreationAttributes<RelayDeliveryRow>> {
  declare id: string;
  declare eventId: string;
  declare connectionId: number;
  declare endpoint: string;
  declare url: string;
  declare status: DeliveryStatus;
  declare attempts: number;
  declare nextAttemptAt: Date | null;
  declare leaseUntil: Date | null;
  /** The worker holding the lease, kept after it ends as "last handled by". */
  declare leasedBy: string | null;
  declare lastStatusCode: number | null;
  declare lastOutcome: string | null;
  declare lastError: string | null;
  declare lastLatencyMs: number | null;
  declare deliveredAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RelayDeliveryRow.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        eventId: { type: DataTypes.STRING(36), allowNull: false },
        connectionId: { type: DataTypes.INTEGER, allowNull: false },
        endpoint: { type: DataTypes.STRING(16), allowNull: false },
        url: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE, allowNull: true },
        leaseUntil: { type: DataTypes.DATE, allowNull: true },
        leasedBy: { type: DataTypes.STRING(64), allowNull: true },
        lastStatusCode: { type: DataTypes.INTEGER, allowNull: true },
        lastOutcome: { type: DataTypes.STRING(16), allowNull: true },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        lastLatencyMs: { type: DataTypes.INTEGER, allowNull: true },
        deliveredAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "relay_deliveries", underscored: true },
    );
  }
}
