/** Bitbucket Cloud simulator; `BitbucketSim` in server.ts documents the in-process handle. */
export { startBitbucketSimulator } from "./server";
export type { Actor, BitbucketSim, BitbucketSimOptions, EventOutcome, HookSeed, PageOptions } from "./server";
export type { CommitInput } from "./commits";
export type { DeliveryAttempt, DeliveryResult } from "./deliver";
export type { Fault, FaultSpec } from "./faults";
export type { JwtClaims } from "./jwt-check";
export type { LifecycleOptions, LifecycleResult } from "./lifecycle";
export type { PullRequestAction, PullRequestInput, PushInput } from "./payloads";
export type { RateLimitOptions } from "./rate-limit";
export type { RequestLogEntry } from "./request-log";
export type { RepositoryOptions } from "./state";
export type * from "./types";
