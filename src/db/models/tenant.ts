import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from "sequelize";

/** One installed Bitbucket workspace. The shared secret is stored sealed (see crypto/secret-box). */
export class TenantRow extends Model<InferAttributes<TenantRow>, InferCreationAttributes<TenantRow>> {
  declare clientKey: string;
  declare sharedSecretEnc: string;
  declare baseUrl: string;
  declare baseApiUrl: string;
  declare productType: string;
  declare workspaceUuid: string | null;
  declare workspaceSlug: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    TenantRow.init(
      {
        clientKey: { type: DataTypes.STRING(255), primaryKey: true },
        sharedSecretEnc: { type: DataTypes.TEXT, allowNull: false },
        baseUrl: { type: DataTypes.STRING(255), allowNull: false },
        baseApiUrl: { type: DataTypes.STRING(255), allowNull: false },
        productType: { type: DataTypes.STRING(32), allowNull: false },
        workspaceUuid: { type: DataTypes.STRING(64), allowNull: true },
        workspaceSlug: { type: DataTypes.STRING(255), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "tenants", underscored: true },
    );
  }
}
