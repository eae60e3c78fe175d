import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type CreationOptional, type Sequelize } from "sequelize";

/** One repository connected to one ARM org. The ARM token is stored sealed; only its last four characters are kept in clear. */
export class ConnectionRow extends Model<InferAttributes<ConnectionRow>, InferCreationAttributes<ConnectionRow>> {
  declare id: CreationOptional<number>;
  declare clientKey: string;
  declare repoUuid: string;
  declare repoFullName: string;
  declare instance: string;
  declare org: string;
  declare edition: string;
  declare triggerPush: boolean;
  declare triggerPullRequests: boolean;
  declare triggerAlmSync: boolean;
  declare tokenEnc: string;
  declare tokenLast4: string;
  declare tokenFingerprint: string;
  declare lastError: string | null;
  /** direct: Bitbucket hooks call ARM; relay: this app receives the events and delivers them. */
  declare deliveryMode: CreationOptional<"direct" | "relay">;
  /** Story-key regular expression for smart commits; null means the default pattern. */
  declare storyKeyPattern: CreationOptional<string | null>;
  /** Relay mode: the ALM commit-sync endpoint only gets pushes with at least one matching commit. */
  declare almSyncOnlyStoryCommits: CreationOptional<boolean>;
  declare connectedAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ConnectionRow.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        clientKey: { type: DataTypes.STRING(255), allowNull: false },
        repoUuid: { type: DataTypes.STRING(64), allowNull: false },
        repoFullName: { type: DataTypes.STRING(255), allowNull: false },
        instance: { type: DataTypes.STRING(255), allowNull: false },
        org: { type: DataTypes.STRING(255), allowNull: false },
        edition: { type: DataTypes.STRING(16), allowNull: false },
        triggerPush: { type: DataTypes.BOOLEAN, allowNull: false },
        triggerPullRequests: { type: DataTypes.BOOLEAN, allowNull: false },
        triggerAlmSync: { type: DataTypes.BOOLEAN, allowNull: false },
        tokenEnc: { type: DataTypes.TEXT, allowNull: false },
        tokenLast4: { type: DataTypes.STRING(4), allowNull: false },
        tokenFingerprint: { type: DataTypes.STRING(64), allowNull: false },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        deliveryMode: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "direct" },
        storyKeyPattern: { type: DataTypes.STRING(512), allowNull: true },
        almSyncOnlyStoryCommits: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        connectedAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "connections", underscored: true },
    );
  }
}
