/** Tenants (installed workspaces), repository connections, and the hooks the app manages on them. */
import { DataTypes, type QueryInterface } from "sequelize";

const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("tenants", {
    client_key: { type: DataTypes.STRING(255), primaryKey: true },
    shared_secret_enc: { type: DataTypes.TEXT, allowNull: false },
    base_url: { type: DataTypes.STRING(255), allowNull: false },
    base_api_url: { type: DataTypes.STRING(255), allowNull: false },
    product_type: { type: DataTypes.STRING(32), allowNull: false },
    workspace_uuid: { type: DataTypes.STRING(64), allowNull: true },
    workspace_slug: { type: DataTypes.STRING(255), allowNull: true },
    ...timestamps,
  });
  await qi.createTable("connections", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    client_key: {
      type: DataTypes.STRING(255),
      allowNull: false,
      references: { model: "tenants", key: "client_key" },
      onDelete: "CASCADE",
    },
    repo_uuid: { type: DataTypes.STRING(64), allowNull: false },
    repo_full_name: { type: DataTypes.STRING(255), allowNull: false },
    instance: { type: DataTypes.STRING(255), allowNull: false },
    org: { type: DataTypes.STRING(255), allowNull: false },
    edition: { type: DataTypes.STRING(16), allowNull: false },
    trigger_push: { type: DataTypes.BOOLEAN, allowNull: false },
    trigger_pull_requests: { type: DataTypes.BOOLEAN, allowNull: false },
    trigger_alm_sync: { type: DataTypes.BOOLEAN, allowNull: false },
    token_enc: { type: DataTypes.TEXT, allowNull: false },
    token_last4: { type: DataTypes.STRING(4), allowNull: false },
    token_fingerprint: { type: DataTypes.STRING(64), allowNull: false },
    last_error: { type: DataTypes.TEXT, allowNull: true },
    connected_at: { type: DataTypes.DATE, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex("connections", ["client_key", "repo_uuid"], { unique: true, name: "connections_tenant_repo" });
  await qi.createTable("managed_hooks", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    connection_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: "connections", key: "id" },
      onDelete: "CASCADE",
    },
    endpoint: { type: DataTypes.STRING(16), allowNull: false },
    hook_uuid: { type: DataTypes.STRING(64), allowNull: false },
    url: { type: DataTypes.TEXT, allowNull: false },
    secret_fingerprint: { type: DataTypes.STRING(64), allowNull: false },
    ...timestamps,
  });
  await qi.addIndex("managed_hooks", ["connection_id", "endpoint"], { unique: true, name: "managed_hooks_connection_endpoint" });
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.dropTable("managed_hooks");
  await qi.dropTable("connections");
  await qi.dropTable("tenants");
}
