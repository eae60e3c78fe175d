import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** How one ARM endpoint of one connection is doing; a paused endpoint gets no attempts until it is resumed. */
export class RelayEndpointHealthRow extends Model<InferAttributes<RelayEndpointHealthRow>, InferCreationAttributes<RelayEndpointHealthRow>> {
  declare connectionId: number;
  declare endpoint: string;
  /** Start of the current run of failed attempts; null after any success. */
  declare failingSince: Date | null;
  declare lastSuccessAt: Date | null;
  declare pausedAt: Date | null;
  declare pausedReason: string | null;

  static initModel(sequelize: Sequelize): void {
    RelayEndpointHealthRow.init(
      {
        connectionId: { type: DataTypes.INTEGER, primaryKey: true },
        endpoint: { type: DataTypes.STRING(16), primaryKey: true },
        failingSince: { type: DataTypes.DATE, allowNull: true },
        lastSuccessAt: { type: DataTypes.DATE, allowNull: true },
        pausedAt: { type: DataTypes.DATE, allowNull: true },
        pausedReason: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: "relay_endpoint_health", underscored: true, timestamps: false },
    );
  }
}
