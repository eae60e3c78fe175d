/** Vocabulary of ARM webhook endpoints. Pure data; see REFERENCE section 1. */

export type Edition = "enterprise" | "standard";

/** `push`: trigger-scm-push-request (builds on commit, pull request jobs). `alm-sync`: sync-alm-commits. */
export type EndpointKind = "push" | "alm-sync";

/** Where an ARM org lives: `instance` is an origin such as `https://login.autorabit.com` (no path, no trailing slash). */
export interface ArmTarget {
  instance: string;
  org: string;
  edition: Edition;
}

/** The forms ARM has used for webhook URLs that are no longer served. */
export type LegacyForm =
  | "autorabitrest" //        /autorabitrest/webhook/triggerSCMPushrequest
  | "autorabitrest-org" //    /autorabitrest/webhook/<org>/triggerSCMPushrequest
  | "api-interim"; //         /api/webhook/triggerSCMPushrequest

/** What a URL found on a repository hook is, from ARM's point of view. */
export type ArmUrlClass =
  | { kind: "current"; instance: string; org: string; edition: Edition; endpoint: EndpointKind }
  | { kind: "legacy"; form: LegacyForm; instance: string; org?: string; endpoint: EndpointKind }
  | { kind: "malformed"; reason: string; instance?: string; endpoint?: EndpointKind }
  | { kind: "not-arm" };

/** Hosts and schemes an ARM instance URL may use. */
export interface ArmHostPolicy {
  /** Host patterns: `login.autorabit.com` exact, `*.autorabit.com` any single-label subdomain. */
  allowedHosts: string[];
  /** Development only: also permit `http://` and loopback hosts (127.0.0.0/8, ::1, localhost). */
  allowHttpLoopback: boolean;
}

/** A validation outcome that names the field and says what to do, in a sentence fit for the settings page. */
export type Validation<T> = { ok: true; value: T } | { ok: false; field: string; message: string };
