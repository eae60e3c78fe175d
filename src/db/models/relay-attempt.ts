import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** One HTTP attempt to ARM: what it answered (or why there was no answer), how long it took. */
export class RelayAttemptRow extends Model<InferAttributes<RelayAttemptRow>, InferCreationAttributes<RelayAttemptRow>> {
  declare id: CreationOptional<number>;
  declare deliveryId: string;
  declare attempt: number;
  declare startedAt: Date;
  declare statusCode: number | null;
  declare outcome: string;
  declare latencyMs: number;
  /** At most 20 KB of ARM's answer. */
  declare responseSnippet: string | null;
  declare error: string | null;

  static initModel(sequelize: Sequelize): void {
    RelayAttemptRow.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        deliveryId: { type: DataTypes.STRING(36), allowNull: false },
        attempt: { type: DataTypes.INTEGER, allowNull: false },
        startedAt: { type: DataTypes.DATE, allowNull: false },
        statusCode: { type: DataTypes.INTEGER, allowNull: true },
        outcome: { type: DataTypes.STRING(16), allowNull: false },
        latencyMs: { type: DataTypes.INTEGER, allowNull: false },
        responseSnippet: { type: DataTypes.TEXT, allowNull: true },
        error: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: "relay_attempts", underscored: true, timestamps: false },
    );
  }
}
