/** Vocabulary of hook reconciliation. Pure data: plans are computed, then carried out elsewhere. */
import type { Edition, EndpointKind } from "../arm/types";

export interface Triggers {
  /** Build on push: `repo:push` on the push endpoint. */
  push: boolean;
  /** Pull request jobs: `pullrequest:created` and `pullrequest:updated` on the push endpoint. */
  pullRequests: boolean;
  /** ALM commit sync (smart commits): `repo:push` on the alm-sync endpoint (Enterprise only). */
  almSync: boolean;
}

/** What the admin chose for one repository. */
export interface ConnectionSettings {
  instance: string;
  org: string;
  edition: Edition;
  triggers: Triggers;
}

/** A hook as this app wants it on the repository. `secret` is the ARM token; `secretFingerprint` identifies it without revealing it. */
export interface DesiredHook {
  endpoint: EndpointKind;
  url: string;
  events: string[]; // sorted
  description: string;
  active: true;
  secret: string;
  secretFingerprint: string;
}

/** A hook as Bitbucket returns it (secrets are never returned, only `secret_set`). */
export interface RemoteHook {
  uuid: string; // with braces, as Bitbucket returns it: "{...}"
  url: string;
  description: string;
  events: string[];
  active: boolean;
  secret_set: boolean;
}

/** What this app remembers about a hook it created or adopted (Bitbucket never returns secrets). */
export interface ManagedHookRecord {
  endpoint: EndpointKind;
  hookUuid: string;
  url: string;
  secretFingerprint: string;
}

/** Body for POST / PUT …/hooks. `secret` omitted keeps the current one on PUT. */
export interface HookBody {
  url: string;
  description: string;
  events: string[];
  active: boolean;
  secret?: string;
}

export type UpdateReason = "legacy" | "malformed" | "url" | "events" | "inactive" | "secret" | "description" | "adopt";
export type DeleteReason = "duplicate" | "not-wanted" | "disconnect";

export type PlanStep =
  | { op: "create"; endpoint: EndpointKind; body: HookBody; secretFingerprint: string }
  | { op: "update"; endpoint: EndpointKind; hookUuid: string; body: HookBody; secretFingerprint: string; reasons: UpdateReason[] }
  | { op: "delete"; endpoint?: EndpointKind; hookUuid: string; url: string; reason: DeleteReason }
  | { op: "keep"; endpoint: EndpointKind; hookUuid: string; secretFingerprint: string };

export interface HookPlan {
  steps: PlanStep[];
}

export type HookState = "connected" | "missing" | "drifted" | "legacy";

/** What the settings page shows per endpoint. */
export interface HookStatus {
  endpoint: EndpointKind;
  url: string; // the desired URL
  state: HookState;
  hookUuid?: string;
  events: string[];
  detail: string; // one plain sentence
}

/** The repository hooks API as the reconciler needs it; the Bitbucket client provides it. */
export interface RepoHooksApi {
  list(): Promise<RemoteHook[]>; // every page
  create(body: HookBody): Promise<RemoteHook>;
  update(uuid: string, body: HookBody): Promise<RemoteHook>;
  remove(uuid: string): Promise<void>; // a 404 counts as removed
}
