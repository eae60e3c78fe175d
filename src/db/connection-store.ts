/** Repository connections. The ARM token is sealed and bound to (tenant, repository); the rest is plain settings. */
import type { Edition } from "../arm/types";
import type { SecretBox } from "../crypto/secret-box";
import type { ConnectionSettings, ManagedHookRecord } from "../hooks/types";
import type { EndpointKind } from "../arm/types";
import { ConnectionRow, ManagedHookRow } from "./models";

/** Which repository of which tenant: always taken from a verified request, never from a request body. */
export interface RepoScope {
  clientKey: string;
  repoUuid: string;
  repoFullName: string;
}

export interface StoredConnection {
  id: number;
  scope: RepoScope;
  settings: ConnectionSettings;
  tokenLast4: string;
  tokenFingerprint: string;
  lastError: string | null;
  connectedAt: Date;
  updatedAt: Date;
  managed: ManagedHookRecord[];
}

const bound = (s: RepoScope) => `connection:${s.clientKey}:${s.repoUuid}`;

export class ConnectionStore {
  constructor(private readonly box: SecretBox) {}

  async get(scope: RepoScope): Promise<StoredConnection | null> {
    const row = await ConnectionRow.findOne({ where: { clientKey: scope.clientKey, repoUuid: scope.repoUuid } });
    return row ? this.toStored(row) : null;
  }

  /** The ARM token in clear, for signing and for Bitbucket hook secrets only. */
  async readToken(scope: RepoScope): Promise<string | null> {
    const row = await ConnectionRow.findOne({ where: { clientKey: scope.clientKey, repoUuid: scope.repoUuid } });
    return row ? this.box.open(row.tokenEnc, bound(scope)) : null;
  }

  async save(scope: RepoScope, settings: ConnectionSettings, token: { value: string; fingerprint: string }): Promise<StoredConnection> {
    const values = {
      clientKey: scope.clientKey,
      repoUuid: scope.repoUuid,
      repoFullName: scope.repoFullName,
      instance: settings.instance,
      org: settings.org,
      edition: settings.edition,
      triggerPush: settings.triggers.push,
      triggerPullRequests: settings.triggers.pullRequests,
      triggerAlmSync: settings.triggers.almSync,
      tokenEnc: this.box.seal(token.value, bound(scope)),
      tokenLast4: token.value.slice(-4),
      tokenFingerprint: token.fingerprint,
    };
    const existing = await ConnectionRow.findOne({ where: { clientKey: scope.clientKey, repoUuid: scope.repoUuid } });
    const row = existing ? await existing.update(values) : await ConnectionRow.create({ ...values, lastError: null, connectedAt: new Date() });
    return this.toStored(row);
  }

  async setOutcome(id: number, managed: ManagedHookRecord[], lastError: string | null): Promise<void> {
    const sequelize = ConnectionRow.sequelize!;
    await sequelize.transaction(async (transaction) => {
      await ManagedHookRow.destroy({ where: { connectionId: id }, transaction });
      await ManagedHookRow.bulkCreate(
        managed.map((m) => ({ connectionId: id, endpoint: m.endpoint, hookUuid: m.hookUuid, url: m.url, secretFingerprint: m.secretFingerprint })),
        { transaction },
      );
      await ConnectionRow.update({ lastError }, { where: { id }, transaction });
    });
  }

  async remove(scope: RepoScope): Promise<void> {
    await ConnectionRow.destroy({ where: { clientKey: scope.clientKey, repoUuid: scope.repoUuid } });
  }

  private async toStored(row: ConnectionRow): Promise<StoredConnection> {
    const hooks = await ManagedHookRow.findAll({ where: { connectionId: row.id }, order: [["endpoint", "ASC"]] });
    return {
      id: row.id,
      scope: { clientKey: row.clientKey, repoUuid: row.repoUuid, repoFullName: row.repoFullName },
      settings: {
        instance: row.instance,
        org: row.org,
        edition: row.edition as Edition,
        triggers: { push: row.triggerPush, pullRequests: row.triggerPullRequests, almSync: row.triggerAlmSync },
      },
      tokenLast4: row.tokenLast4,
      tokenFingerprint: row.tokenFingerprint,
      lastError: row.lastError,
      connectedAt: row.connectedAt,
      updatedAt: row.updatedAt,
      managed: hooks.map((h) => ({ endpoint: h.endpoint as EndpointKind, hookUuid: h.hookUuid, url: h.url, secretFingerprint: h.secretFingerprint })),
    };
  }
}
