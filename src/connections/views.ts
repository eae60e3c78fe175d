/**
 * What the settings API sends to and accepts from a front end (Connect page today, Forge or CLI later).
 * Secrets never appear here: only the token's last four characters.
 */
import type { Edition, EndpointKind } from "../arm/types";
import type { ExistingArmHook } from "../hooks/existing-arm-hooks";
import type { HookStatus, Triggers } from "../hooks/types";

export type { ExistingArmHook };

/** direct: Bitbucket's hooks call ARM. relay: the app receives the events, stores them and delivers them with retries. */
export type DeliveryMode = "direct" | "relay";

/** A relay endpoint that stopped getting attempts (410 Gone, or failing for too long) and why, in one paragraph. */
export interface PausedEndpoint {
  endpoint: EndpointKind;
  pausedAt: string; // ISO
  reason: string;
}

/** Smart commits: which commit messages carry a story key, and whether ALM commit sync hears only of those. */
export interface SmartCommitSettings {
  /** A JavaScript regular expression; null means the default (src/relay/smart-commits.ts). */
  storyKeyPattern: string | null;
  /** Relay mode: the ALM commit sync endpoint gets only pushes with at least one commit carrying a key. */
  almSyncOnlyStoryCommits: boolean;
}

export interface ConnectionView extends SmartCommitSettings {
  repoUuid: string;
  repoFullName: string;
  instance: string;
  org: string;
  edition: Edition;
  triggers: Triggers;
  deliveryMode: DeliveryMode;
  /** Relay mode only; empty when every endpoint gets its deliveries. A connect or reconnect resumes them. */
  pausedEndpoints: PausedEndpoint[];
  /** Relay deliveries not yet delivered or given up (retrying, or waiting on a paused endpoint). A disconnect drops them. */
  unsentDeliveries: number;
  tokenLast4: string;
  connectedAt: string; // ISO
  updatedAt: string; // ISO
  lastError: string | null;
}

/** GET /api/connection, and the answer to every change. */
export interface ConnectionResponse {
  connection: ConnectionView | null;
  hooks: HookStatus[]; // live status from Bitbucket; empty when not connected
  /**
   * Not connected: the ARM webhooks already on the repository (current, retired or broken), so the admin sees them
   * before connecting. Connected: empty (`hooks` covers them).
   */
  existingArmHooks: ExistingArmHook[];
  /** Set when the hooks could not be read (Bitbucket down, permission lost): one plain sentence. */
  hooksError?: string;
}

/** PUT /api/connection: connect or reconnect with new settings. `token` is required for the first connect. */
export interface ConnectRequest {
  instance: string;
  org: string;
  edition: Edition;
  triggers: Triggers;
  /** Omitted: the connection keeps its mode ("direct" for a new one). */
  deliveryMode?: DeliveryMode;
  /** Omitted: the connection keeps its pattern (the default for a new one). Null or blank: the default. */
  storyKeyPattern?: string | null;
  /** Omitted: the connection keeps its choice (true for a new one). */
  almSyncOnlyStoryCommits?: boolean;
  token?: string;
}

/** PUT /api/connection/token */
export interface ReplaceTokenRequest {
  token: string;
}

/** One recent commit of the repository as the story key pattern reads it. */
export interface PreviewCommit {
  hash: string; // 12 characters
  message: string; // first line
  author: string; // a name, never an e-mail address
  date: string; // ISO
  keys: string[]; // story keys in the whole message, in order of appearance
}

/** GET /api/smart-commits/preview?pattern=…: the repository's recent commits under a pattern (given, else saved, else default). */
export interface SmartCommitPreview {
  pattern: string;
  isDefault: boolean;
  commits: PreviewCommit[];
}

/** Every 4xx/5xx answer of the settings API. */
export interface ApiErrorBody {
  error: { message: string; field?: string; code: string };
}
