/** What the Bitbucket simulator holds. Field names follow Bitbucket's REST representation where one exists. */

export interface SimWorkspace {
  uuid: string; // "{…}"
  slug: string;
  name: string;
}

export interface SimUser {
  uuid: string; // "{…}"
  account_id: string;
  nickname: string;
  display_name: string;
}

export interface SimRepository {
  uuid: string; // "{…}"
  slug: string;
  full_name: string; // "workspace/slug"
  workspace: string; // workspace slug
  name: string;
  is_private: boolean;
  mainbranch: string;
  created_on: string;
}

export interface SimCommit {
  hash: string; // 40 hex
  message: string;
  date: string; // ISO
  author: { raw: string; user?: SimUser };
  parents: string[];
}

/** A repository hook as stored, secret included (only the in-process API ever shows it). */
export interface SimHook {
  uuid: string;
  url: string;
  description: string;
  events: string[]; // sorted, unique
  active: boolean;
  secret: string | null;
  created_at: string;
  skip_cert_verification: boolean;
  history_enabled: boolean;
  read_only: boolean;
}

export interface AdminPageModule {
  key: string;
  url: string;
  location?: string;
  name?: { value?: string };
}

export interface WebhookModule {
  event: string;
  url: string;
}

/** The parts of `atlassian-connect.json` the simulator reads. */
export interface AppDescriptor {
  key: string;
  name?: string;
  baseUrl: string;
  authentication: { type: string };
  lifecycle: { installed: string; uninstalled?: string };
  scopes?: string[];
  contexts?: string[];
  modules?: { adminPages?: AdminPageModule[]; webhooks?: WebhookModule[]; [kind: string]: unknown };
}

export interface InstalledApp {
  key: string;
  clientKey: string;
  sharedSecret: string;
  workspace: string; // slug
  installedBy: string; // user uuid
  installedAt: string;
  descriptor: AppDescriptor;
}

/** One lifecycle POST the simulator made to an app, and the app's answer. */
export interface LifecycleCall {
  eventType: "installed" | "uninstalled";
  clientKey: string;
  url: string;
  signed: boolean;
  status: number;
  body: string;
  at: string;
}
