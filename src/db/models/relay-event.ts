import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** One event Bitbucket delivered to the relay: accepted (with the bytes ARM receives) or rejected (without a body). */
export class RelayEventRow extends Model<InferAttributes<RelayEventRow>, InferCreationAttributes<RelayEventRow>> {
  declare id: string;
  declare clientKey: string;
  declare connectionId: number | null;
  declare eventKey: string;
  declare sourceRequestUuid: string;
  declare status: "accepted" | "rejected";
  declare rejectReason: string | null;
  declare summary: string | null;
  declare body: Buffer | null;
  declare bodySize: number;
  declare receivedAt: Date;

  static initModel(sequelize: Sequelize): void {
    RelayEventRow.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        clientKey: { type: DataTypes.STRING(255), allowNull: false },
        connectionId: { type: DataTypes.INTEGER, allowNull: true },
        eventKey: { type: DataTypes.STRING(64), allowNull: false },
        sourceRequestUuid: { type: DataTypes.STRING(64), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false },
        rejectReason: { type: DataTypes.TEXT, allowNull: true },
        summary: { type: DataTypes.STRING(255), allowNull: true },
        body: { type: DataTypes.BLOB, allowNull: true },
        bodySize: { type: DataTypes.INTEGER, allowNull: false },
        receivedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "relay_events", underscored: true, timestamps: false },
    );
  }
}
