/** Contracts of the Bitbucket Cloud REST client (REFERENCE section 3). */

/** Who the app acts as: one installed tenant. */
export interface AppCredentials {
  appKey: string; // JWT iss
  clientKey: string; // JWT sub
  sharedSecret: string;
  baseApiUrl: string; // e.g. https://api.bitbucket.org (no trailing slash)
}

/** Bitbucket's paginated list. */
export interface Page<T> {
  pagelen?: number;
  page?: number;
  size?: number;
  next?: string;
  values: T[];
}

/** The parts of a repository the app reads (GET /2.0/repositories/{workspace}/{repo_slug}). */
export interface BitbucketRepository {
  uuid: string; // "{…}"
  full_name: string; // "workspace/slug"
  name: string;
  slug?: string;
  is_private?: boolean;
  mainbranch?: { name: string; type?: string };
  links?: { html?: { href: string } };
}

/** The parts of a commit the app reads (GET …/commits). */
export interface BitbucketCommit {
  hash: string;
  message: string;
  date: string; // ISO
  author?: { raw?: string; user?: { uuid?: string; display_name?: string } };
}

/** A webhook subscription as Bitbucket sends it (`secret` is never sent back, only `secret_set`). */
export interface WebhookSubscription {
  uuid: string;
  url: string;
  description?: string;
  events?: string[];
  active?: boolean;
  secret_set?: boolean;
  subject_type?: "repository" | "workspace";
  created_at?: string;
}
