/** Shared fixtures for the hook tests: one ARM org, its URLs in every form, and a hook builder. */
import type { ArmHostPolicy } from "../../../src/arm/types";
import type { ConnectionSettings, ManagedHookRecord, RemoteHook } from "../../../src/hooks/types";

export const policy: ArmHostPolicy = { allowedHosts: ["login.autorabit.com", "*.autorabit.com"], allowHttpLoopback: false };

const I = "https://login.autorabit.com";
export const URLS = {
  entPush: `${I}/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request`,
  entAlm: `${I}/api/webhook/v2/autorabit.com/enterprise/sync-alm-commits`,
  stdPush: `${I}/api/webhook/v2/autorabit.com/trigger-scm-push-request`,
  legacy: `${I}/autorabitrest/webhook/triggerSCMPushrequest`,
  legacyOtherPod: "https://na25.autorabit.com/autorabitrest/webhook/triggerSCMPushrequest",
  malformedPush: `${I}/api/webhook/v2//enterprise/trigger-scm-push-request`,
  malformedAlm: `${I}/api/webhook/v2//enterprise/sync-alm-commits`,
  otherOrgPush: `${I}/api/webhook/v2/other.org/enterprise/trigger-scm-push-request`,
  otherInstancePush: "https://na25.autorabit.com/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request",
  proxyPush: "https://relay.example.com/api/webhook/v2/autorabit.com/enterprise/trigger-scm-push-request",
  jenkins: "https://ci.example.com/bitbucket-hook/",
};

export const TOKEN = "arm-token-1";
export const FP = "fp-1";

export function settings(over: Partial<ConnectionSettings> = {}, triggers: Partial<ConnectionSettings["triggers"]> = {}): ConnectionSettings {
  return {
    instance: I,
    org: "autorabit.com",
    edition: "enterprise",
    ...over,
    triggers: { push: true, pullRequests: true, almSync: true, ...triggers },
  };
}

let seq = 0;
export function hook(url: string, over: Partial<RemoteHook> = {}): RemoteHook {
  seq += 1;
  return {
    uuid: `{00000000-0000-0000-0000-${String(seq).padStart(12, "0")}}`,
    url,
    description: "",
    events: ["repo:push"],
    active: true,
    secret_set: false,
    ...over,
  };
}

export function record(h: RemoteHook, endpoint: ManagedHookRecord["endpoint"], fingerprint = FP): ManagedHookRecord {
  return { endpoint, hookUuid: h.uuid, url: h.url, secretFingerprint: fingerprint };
}
