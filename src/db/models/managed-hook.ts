import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from "sequelize";

/** A Bitbucket hook this app created or adopted, with the fingerprint of the secret it set (Bitbucket never returns secrets). */
export class ManagedHookRow extends Model<InferAttributes<ManagedHookRow>, InferCreationAttributes<ManagedHookRow>> {
  declare id: CreationOptional<number>;
  declare connectionId: number;
  declare endpoint: string;
  declare hookUuid: string;
  declare url: string;
  declare secretFingerprint: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ManagedHookRow.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        connectionId: { type: DataTypes.INTEGER, allowNull: false },
        endpoint: { type: DataTypes.STRING(16), allowNull: false },
        hookUuid: { type: DataTypes.STRING(64), allowNull: false },
        url: { type: DataTypes.TEXT, allowNull: false },
        secretFingerprint: { type: DataTypes.STRING(64), allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "managed_hooks", underscored: true },
    );
  }
}
