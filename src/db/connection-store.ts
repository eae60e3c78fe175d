/** Repository connections. The ARM token is sealed and bound to (tenant, repository); the rest is plain settings. */
import type { Edition } from "../arm/types";
import type { SecretBox } from "../crypto/secret-box";
import type { ConnectionSettings, ManagedHookRecord } from "../hooks/types";
import type { EndpointKind } from "../arm/types";
import { Op, QueryTypes } from "sequelize";
import type { DeliveryMode, SmartCommitSettings } from "../connections/views";
import { ConnectionRow, ManagedHookRow, RelayEndpointHealthRow } from "./models";
import { countPending } from "./relay-delivery-store";

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
  /** ARM endpoints paused for failing too long: their deliveries wait, so they are never handed to a worker. */
  pausedEndpoints: string[];
}

/** What the relay needs to send one connection's deliveries: the token in clear (never logged) and the smart-commit rules. */
export interface RelaySender {
  id: number;
  scope: RepoScope;
  token: string;
  storyKeyPattern: string | null;
  almSyncOnlyStoryCommits: boolean;
}

interface RouteRow {
  id: number;
  client_key: string;
  repo_uuid: string;
  delivery_mode: DeliveryMode;
  instance: string;
  org: string;
  edition: string;
  trigger_push: unknown;
  trigger_pull_requests: unknown;
  trigger_alm_sync: unknown;
  paused_endpoint: string | null;
}

/** A boolean column as the driver returns it: PostgreSQL true/false, SQLite 1/0. */
const truthy = (v: unknown) => v === true || v === 1 || v === "1";

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

  /** The connections of these repositories: one plain query for a whole batch of received events (no model instances). */
  async relayRoutes(repos: Array<{ clientKey: string; repoUuid: string }>): Promise<RelayRoute[]> {
    if (repos.length === 0) return [];
    const where = repos.map(() => "(c.client_key = ? AND c.repo_uuid = ?)").join(" OR ");
    // One row per paused endpoint (at most a few), or one with none: the join costs no second round trip.
    const rows = await ConnectionRow.sequelize!.query<RouteRow>(
      `SELECT c.id, c.client_key, c.repo_uuid, c.delivery_mode, c.instance, c.org, c.edition, c.trigger_push, c.trigger_pull_requests,
         c.trigger_alm_sync, h.endpoint AS paused_endpoint
       FROM connections c LEFT JOIN relay_endpoint_health h ON h.connection_id = c.id AND h.paused_at IS NOT NULL
       WHERE ${where}`,
      { replacements: repos.flatMap((r) => [r.clientKey, r.repoUuid]), type: QueryTypes.SELECT },
    );
    const routes = new Map<number, RelayRoute>();
    for (const r of rows) {
      const id = Number(r.id);
      let route = routes.get(id);
      if (!route) {
        route = {
          id,
          clientKey: r.client_key,
          repoUuid: r.repo_uuid,
          deliveryMode: r.delivery_mode,
          settings: {
            instance: r.instance,
            org: r.org,
            edition: r.edition as Edition,
            triggers: { push: truthy(r.trigger_push), pullRequests: truthy(r.trigger_pull_requests), almSync: truthy(r.trigger_alm_sync) },
          },
          pausedEndpoints: [],
        };
        routes.set(id, route);
      }
      if (r.paused_endpoint !== null) route.pausedEndpoints.push(r.paused_endpoint);
    }
    return [...routes.values()];
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

  /** Relay deliveries of this connection neither delivered nor given up yet. */
  unsentDeliveries(id: number): Promise<number> {
    return countPending(id);
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
