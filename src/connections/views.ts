/**
 * What the settings API sends to and accepts from a front end (Connect page today, Forge or CLI later).
 * Secrets never appear here: only the token's last four characters.
 */
import type { Edition } from "../arm/types";
import type { HookStatus, Triggers } from "../hooks/types";

export interface ConnectionView {
  repoUuid: string;
  repoFullName: string;
  instance: string;
  org: string;
  edition: Edition;
  triggers: Triggers;
  tokenLast4: string;
  connectedAt: string; // ISO
  updatedAt: string; // ISO
  lastError: string | null;
}

/** GET /api/connection, and the answer to every change. */
export interface ConnectionResponse {
  connection: ConnectionView | null;
  hooks: HookStatus[]; // live status from Bitbucket; empty when not connected
  /** Set when the hooks could not be read (Bitbucket down, permission lost): one plain sentence. */
  hooksError?: string;
}

/** PUT /api/connection: connect or reconnect with new settings. `token` is required for the first connect. */
export interface ConnectRequest {
  instance: string;
  org: string;
  edition: Edition;
  triggers: Triggers;
  token?: string;
}

/** PUT /api/connection/token */
export interface ReplaceTokenRequest {
  token: string;
}

/** Every 4xx/5xx answer of the settings API. */
export interface ApiErrorBody {
  error: { message: string; field?: string; code: string };
}
