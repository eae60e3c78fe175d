/**
 * The use cases of the settings page: view, connect, reconnect, replace token, disconnect.
 * Plain inputs and outputs, no HTTP: a Forge front door or a CLI calls the same methods.
 * Order of work: validate everything first (bad input changes nothing), then store, then reconcile
 * Bitbucket, then record exactly which hooks we own and the last error.
 */
import type { ArmHostPolicy, EndpointKind } from "../arm/types";
import type { BitbucketClient } from "../bitbucket/client";
import { BitbucketApiError } from "../bitbucket/errors";
import type { ConnectionStore, RepoScope, StoredConnection } from "../db/connection-store";
import type { Tenant, TenantStore } from "../db/tenant-store";
import { desiredHooks } from "../hooks/desired-hooks";
import { existingArmHooks } from "../hooks/existing-arm-hooks";
import { hookStatuses } from "../hooks/hook-status";
import { disconnect, reconcile, reconcilePartial } from "../hooks/reconcile";
import type { RepoHooksApi } from "../hooks/types";
import type { Logger } from "../log";
import { parseConnectRequest, parseTokenRequest } from "./connect-input";
import { UserError } from "./errors";
import { KeyedLock } from "./keyed-lock";
import type { ConnectionResponse, ConnectionView, DeliveryMode } from "./views";

export interface ConnectionServiceDeps {
  store: ConnectionStore;
  tenants: TenantStore;
  fingerprint: (secret: string) => string;
  armPolicy: ArmHostPolicy;
  bitbucketFor: (tenant: Tenant) => BitbucketClient;
  logger: Logger;
}

export class ConnectionService {
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: ConnectionServiceDeps) {}

  view(scope: RepoScope): Promise<ConnectionResponse> {
    return this.lock.run(key(scope), async () => this.describe(scope, await this.deps.store.get(scope)));
  }

  connect(scope: RepoScope, body: unknown): Promise<ConnectionResponse> {
    const { settings, token, deliveryMode, smartCommits } = parseConnectRequest(body, this.deps.armPolicy);
    return this.lock.run(key(scope), async () => {
      const existing = await this.deps.store.get(scope);
      const secret = token ?? (existing ? await this.deps.store.readToken(scope) : null);
      if (!secret) throw new UserError("Paste the webhook API token created in ARM (Admin > API Token, type webhook).", "token-missing", "token");
      const mode = deliveryMode ?? existing?.deliveryMode ?? "direct";
      // The relay is turned on before the direct hooks are removed, and off only once they exist again (sync):
      // an event arriving during a switch reaches ARM twice rather than not at all.
      const stored = mode === "relay" || !existing ? mode : undefined;
      const saved = await this.deps.store.save(scope, settings, { value: secret, fingerprint: this.deps.fingerprint(secret) }, { deliveryMode: stored, smartCommits });
      return this.sync(scope, saved, secret, { firstConnect: !existing, mode });
    });
  }

  reconnect(scope: RepoScope): Promise<ConnectionResponse> {
    return this.lock.run(key(scope), async () => {
      const existing = await this.requireConnection(scope);
      return this.sync(scope, existing, (await this.deps.store.readToken(scope))!, { firstConnect: false });
    });
  }

  replaceToken(scope: RepoScope, body: unknown): Promise<ConnectionResponse> {
    const token = parseTokenRequest(body);
    return this.lock.run(key(scope), async () => {
      const existing = await this.requireConnection(scope);
      const saved = await this.deps.store.save(scope, existing.settings, { value: token, fingerprint: this.deps.fingerprint(token) });
      return this.sync(scope, saved, token, { firstConnect: false });
    });
  }

  /** Deletes every hook we own (adopted ones included), then the connection and its token. */
  disconnect(scope: RepoScope): Promise<ConnectionResponse> {
    return this.lock.run(key(scope), async () => {
      const existing = await this.requireConnection(scope);
      const api = await this.hooksApi(scope);
      try {
        await disconnect(api, existing.managed);
      } catch (err) {
        const remaining = reconcilePartial(err)?.managed ?? existing.managed;
        await this.deps.store.setOutcome(existing.id, remaining, messageOf(err));
        throw err;
      }
      await this.deps.store.remove(scope);
      this.deps.logger.info({ clientKey: scope.clientKey, repo: scope.repoUuid }, "Repository disconnected from ARM");
      return this.describe(scope, null); // ARM hooks we did not own (another org's) are still there: say so
    });
  }

  /** In relay mode no hook is wanted: the managed ARM hooks are deleted, so ARM never hears an event from both paths. */
  private async sync(
    scope: RepoScope,
    conn: StoredConnection,
    token: string,
    opts: { firstConnect: boolean; mode?: DeliveryMode },
  ): Promise<ConnectionResponse> {
    const api = await this.hooksApi(scope);
    const mode = opts.mode ?? conn.deliveryMode;
    const desired = mode === "relay" ? [] : desiredHooks(conn.settings, token, conn.tokenFingerprint);
    try {
      const result = await reconcile(api, { desired, managed: conn.managed, policy: this.deps.armPolicy });
      await this.deps.store.setOutcome(conn.id, result.managed, null, { deliveryMode: mode });
      // A connect or reconnect is the admin's "try again": paused relay endpoints get their deliveries again.
      await this.deps.store.resumeRelay(conn.id);
      this.deps.logger.info(
        { clientKey: scope.clientKey, repo: scope.repoUuid, steps: result.applied.map((s) => s.op) },
        "Repository hooks reconciled",
      );
    } catch (err) {
      const managed = reconcilePartial(err)?.managed ?? conn.managed;
      if (opts.firstConnect && managed.length === 0) {
        await this.deps.store.remove(scope); // nothing happened on Bitbucket: leave no half connection behind
      } else {
        await this.deps.store.setOutcome(conn.id, managed, messageOf(err));
      }
      throw err;
    }
    return this.describe(scope, await this.deps.store.get(scope));
  }

  private async describe(scope: RepoScope, conn: StoredConnection | null): Promise<ConnectionResponse> {
    if (!conn) return this.describeUnconnected(scope);
    const paused = conn.deliveryMode === "relay" ? await this.deps.store.pausedEndpoints(conn.id) : [];
    // In any mode: deliveries received in relay mode still go out after a switch to direct.
    const view = toView(conn, paused, await this.deps.store.unsentDeliveries(conn.id));
    try {
      const api = await this.hooksApi(scope);
      const token = (await this.deps.store.readToken(scope))!;
      const desired = conn.deliveryMode === "relay" ? [] : desiredHooks(conn.settings, token, conn.tokenFingerprint);
      const hooks = hookStatuses({ desired, remote: await api.list(), managed: conn.managed, policy: this.deps.armPolicy });
      return { connection: view, hooks, existingArmHooks: [] };
    } catch (err) {
      if (!(err instanceof BitbucketApiError)) throw err;
      return { connection: view, hooks: [], existingArmHooks: [], hooksError: err.message };
    }
  }

  /** Before the first connect: the ARM hooks already there, so a retired or broken one is seen before it is migrated. */
  private async describeUnconnected(scope: RepoScope): Promise<ConnectionResponse> {
    try {
      const remote = await (await this.hooksApi(scope)).list();
      return { connection: null, hooks: [], existingArmHooks: existingArmHooks(remote, this.deps.armPolicy) };
    } catch (err) {
      if (!(err instanceof BitbucketApiError)) throw err;
      return { connection: null, hooks: [], existingArmHooks: [], hooksError: err.message };
    }
  }

  private async requireConnection(scope: RepoScope): Promise<StoredConnection> {
    const existing = await this.deps.store.get(scope);
    if (!existing) throw new UserError("This repository is not connected to ARM.", "not-connected", undefined, 404);
    return existing;
  }

  private async hooksApi(scope: RepoScope): Promise<RepoHooksApi> {
    const tenant = await this.deps.tenants.get(scope.clientKey);
    if (!tenant) throw new UserError("The app is no longer installed in this workspace.", "not-installed", undefined, 404);
    const workspace = scope.repoFullName.split("/")[0];
    return this.deps.bitbucketFor(tenant).repoHooks(workspace, scope.repoUuid);
  }
}

const key = (scope: RepoScope) => `${scope.clientKey}\u0000${scope.repoUuid}`;

const messageOf = (err: unknown) => (err instanceof BitbucketApiError || err instanceof UserError ? err.message : "An unexpected error stopped the update.");

function toView(conn: StoredConnection, paused: Array<{ endpoint: EndpointKind; pausedAt: Date; reason: string }>, unsentDeliveries: number): ConnectionView {
  return {
    repoUuid: conn.scope.repoUuid,
    repoFullName: conn.scope.repoFullName,
    instance: conn.settings.instance,
    org: conn.settings.org,
    edition: conn.settings.edition,
    triggers: conn.settings.triggers,
    deliveryMode: conn.deliveryMode,
    ...conn.smartCommits,
    pausedEndpoints: paused.map((p) => ({ endpoint: p.endpoint, pausedAt: p.pausedAt.toISOString(), reason: p.reason })),
    unsentDeliveries,
    tokenLast4: conn.tokenLast4,
    connectedAt: conn.connectedAt.toISOString(),
    updatedAt: conn.updatedAt.toISOString(),
    lastError: conn.lastError,
  };
}
