/** Repository connections. The ARM token is sealed and bound to (tenant, repository); the rest is plain settings. */
import type { Edition } from "../arm/types";
import type { SecretBox } from "../crypto/secret-box";
import type { ConnectionSettings, ManagedHookRecord } from "../hooks/types";
import type { EndpointKind } from "../arm/types";
import { Op } from "sequelize";
import type { DeliveryMode, SmartCommitSettings } from "../connections/views";
import { ConnectionRow, ManagedHookRow, RelayEndpointHealthRow } from "./models";

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
  deliveryMode: DeliveryMode;
  smartCommits: SmartCommitSettings;
  lastError: string | null;
  connectedAt: Date;
  updatedAt: Date;
  managed: ManagedHookRecord[];
}

/** What the relay needs to route an event of one repository. */
export interface RelayRoute {
  id: number;
  clientKey: string;
  repoUuid: string;
  deliveryMode: DeliveryMode;
  settings: ConnectionSettings;
}

/** What the relay needs to send one connection's deliveries: the token in clear (never logged) and the smart-commit rules. */
export interface RelaySender {
  id: number;
  scope: RepoScope;
  token: string;
  storyKeyPattern: string | null;
  almSyncOnlyStoryCommits: boolean;
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

  /**
   * `deliveryMode` is written only when given: the service turns the relay on before it removes the direct hooks
   * and off only after they exist again (setOutcome), so no event falls between the two paths.
   */
  async save(
    scope: RepoScope,
    settings: ConnectionSettings,
    token: { value: string; fingerprint: string },
    opts: { deliveryMode?: DeliveryMode; smartCommits?: Partial<SmartCommitSettings> } = {},
  ): Promise<StoredConnection> {
    const values = {
      ...(opts.deliveryMode ? { deliveryMode: opts.deliveryMode } : {}),
      ...opts.smartCommits, // only the fields given: the others keep their column values or defaults
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

  async setOutcome(id: number, managed: ManagedHookRecord[], lastError: string | null, opts: { deliveryMode?: DeliveryMode } = {}): Promise<void> {
    const sequelize = ConnectionRow.sequelize!;
    await sequelize.transaction(async (transaction) => {
      await ManagedHookRow.destroy({ where: { connectionId: id }, transaction });
      await ManagedHookRow.bulkCreate(
        managed.map((m) => ({ connectionId: id, endpoint: m.endpoint, hookUuid: m.hookUuid, url: m.url, secretFingerprint: m.secretFingerprint })),
        { transaction },
      );
      await ConnectionRow.update({ lastError, ...(opts.deliveryMode ? { deliveryMode: opts.deliveryMode } : {}) }, { where: { id }, transaction });
    });
  }

  async remove(scope: RepoScope): Promise<void> {
    await ConnectionRow.destroy({ where: { clientKey: scope.clientKey, repoUuid: scope.repoUuid } });
  }

  /** The connections of these repositories (one query for a whole batch of received events). */
  async relayRoutes(repos: Array<{ clientKey: string; repoUuid: string }>): Promise<RelayRoute[]> {
    if (repos.length === 0) return [];
    const rows = await ConnectionRow.findAll({ where: { [Op.or]: repos.map((r) => ({ clientKey: r.clientKey, repoUuid: r.repoUuid })) } });
    return rows.map((row) => ({ id: row.id, clientKey: row.clientKey, repoUuid: row.repoUuid, deliveryMode: row.deliveryMode, settings: settingsOf(row) }));
  }

  async relaySenders(ids: number[]): Promise<RelaySender[]> {
    if (ids.length === 0) return [];
    const rows = await ConnectionRow.findAll({ where: { id: ids } });
    return rows.map((row) => {
      const scope = { clientKey: row.clientKey, repoUuid: row.repoUuid, repoFullName: row.repoFullName };
      return { id: row.id, scope, token: this.box.open(row.tokenEnc, bound(scope)), storyKeyPattern: row.storyKeyPattern, almSyncOnlyStoryCommits: row.almSyncOnlyStoryCommits };
    });
  }

  /** Lifts the relay's pause of this connection's ARM endpoints: a connect or reconnect is the admin's "try again". */
  async resumeRelay(id: number): Promise<void> {
    await RelayEndpointHealthRow.update({ pausedAt: null, pausedReason: null, failingSince: null }, { where: { connectionId: id } });
  }

  /** The relay's paused endpoints of this connection, with the reason told to the admin. */
  async pausedEndpoints(id: number): Promise<Array<{ endpoint: EndpointKind; pausedAt: Date; reason: string }>> {
    const rows = await RelayEndpointHealthRow.findAll({ where: { connectionId: id, pausedAt: { [Op.ne]: null } }, order: [["endpoint", "ASC"]] });
    return rows.map((r) => ({ endpoint: r.endpoint as EndpointKind, pausedAt: r.pausedAt!, reason: r.pausedReason ?? "" }));
  }

  private async toStored(row: ConnectionRow): Promise<StoredConnection> {
    const hooks = await ManagedHookRow.findAll({ where: { connectionId: row.id }, order: [["endpoint", "ASC"]] });
    return {
      id: row.id,
      scope: { clientKey: row.clientKey, repoUuid: row.repoUuid, repoFullName: row.repoFullName },
      settings: settingsOf(row),
      tokenLast4: row.tokenLast4,
      tokenFingerprint: row.tokenFingerprint,
      deliveryMode: row.deliveryMode,
      smartCommits: { storyKeyPattern: row.storyKeyPattern, almSyncOnlyStoryCommits: row.almSyncOnlyStoryCommits },
      lastError: row.lastError,
      connectedAt: row.connectedAt,
      updatedAt: row.updatedAt,
      managed: hooks.map((h) => ({ endpoint: h.endpoint as EndpointKind, hookUuid: h.hookUuid, url: h.url, secretFingerprint: h.secretFingerprint })),
    };
  }
}

function settingsOf(row: ConnectionRow): ConnectionSettings {
  return {
    instance: row.instance,
    org: row.org,
    edition: row.edition as Edition,
    triggers: { push: row.triggerPush, pullRequests: row.triggerPullRequests, almSync: row.triggerAlmSync },
  };
}
