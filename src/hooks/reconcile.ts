/**
 * Carries out hook plans against a repository: list, plan, apply step by step, and remember what we own.
 *
 * Failure contract: a non-ambiguous error is thrown as is (a BitbucketApiError from the client), with
 * `error.partial = {managed, applied}` attached: the managed records as they stand after the steps that did
 * succeed (read it with reconcilePartial). The caller must save those records, or hooks created before the
 * failure would be forgotten. An ambiguous create (timeout or 5xx on POST) re-lists and re-plans instead: if the
 * hook was created after all, the exact-URL adoption rule finds it, so nothing is created twice.
 */
import type { ArmHostPolicy } from "../arm/types";
import { BitbucketApiError, type ReconcilePartial } from "../bitbucket/errors";
import { planDisconnect, planHooks } from "./plan-hooks";
import type { DesiredHook, HookPlan, ManagedHookRecord, PlanStep, RemoteHook, RepoHooksApi } from "./types";

export type { ReconcilePartial };

export interface ReconcileInput {
  desired: DesiredHook[];
  managed: ManagedHookRecord[];
  policy: ArmHostPolicy;
}

export interface ReconcileResult {
  managed: ManagedHookRecord[];
  /** The plan of the last round. */
  plan: HookPlan;
  /** Every step that succeeded, over all rounds. */
  applied: PlanStep[];
}

export const DEFAULT_MAX_ROUNDS = 3;

/** The records attached to an error thrown by reconcile or disconnect, if any. */
export function reconcilePartial(err: unknown): ReconcilePartial | undefined {
  return (err as { partial?: ReconcilePartial } | null)?.partial;
}

function withPartial(err: unknown, partial: ReconcilePartial): unknown {
  if (typeof err === "object" && err !== null) (err as { partial?: ReconcilePartial }).partial = partial;
  return err;
}

/** What we own, keyed by hook uuid, kept current as steps succeed. */
class Ledger {
  private readonly byUuid: Map<string, ManagedHookRecord>;

  constructor(records: ManagedHookRecord[], remote: RemoteHook[]) {
    // A record whose hook is gone (deleted by hand) is forgotten: the plan creates a new hook if one is wanted.
    const present = new Set(remote.map((h) => h.uuid));
    this.byUuid = new Map(records.filter((r) => present.has(r.hookUuid)).map((r) => [r.hookUuid, r]));
  }

  records(): ManagedHookRecord[] {
    return [...this.byUuid.values()];
  }

  async apply(api: RepoHooksApi, step: PlanStep, desired: DesiredHook[]): Promise<void> {
    switch (step.op) {
      case "delete":
        await api.remove(step.hookUuid);
        this.byUuid.delete(step.hookUuid);
        return;
      case "create": {
        const hook = await api.create(step.body);
        this.remember({ endpoint: step.endpoint, hookUuid: hook.uuid, url: step.body.url, secretFingerprint: step.secretFingerprint });
        return;
      }
      case "update": {
        const hook = await api.update(step.hookUuid, step.body);
        this.byUuid.delete(step.hookUuid);
        this.remember({ endpoint: step.endpoint, hookUuid: hook.uuid, url: step.body.url, secretFingerprint: step.secretFingerprint });
        return;
      }
      case "keep": {
        const url = desired.find((d) => d.endpoint === step.endpoint)?.url ?? "";
        this.remember({ endpoint: step.endpoint, hookUuid: step.hookUuid, url, secretFingerprint: step.secretFingerprint });
        return;
      }
    }
  }

  private remember(record: ManagedHookRecord): void {
    this.byUuid.set(record.hookUuid, record);
  }
}

function isAmbiguous(err: unknown): boolean {
  return err instanceof BitbucketApiError && err.ambiguous;
}

/**
 * One round: list every hook, plan against what is there, apply the steps in order. A failure is rethrown
 * with `partial` holding the records as they stand and every step applied so far (this round and earlier).
 */
async function runRound(
  api: RepoHooksApi,
  managed: ManagedHookRecord[],
  applied: PlanStep[],
  desired: DesiredHook[],
  makePlan: (remote: RemoteHook[], managed: ManagedHookRecord[]) => HookPlan,
): Promise<ReconcileResult> {
  let remote: RemoteHook[];
  try {
    remote = await api.list();
  } catch (err) {
    throw withPartial(err, { managed, applied });
  }
  const ledger = new Ledger(managed, remote);
  const plan = makePlan(remote, ledger.records());
  try {
    for (const step of plan.steps) {
      await ledger.apply(api, step, desired);
      applied.push(step);
    }
  } catch (err) {
    throw withPartial(err, { managed: ledger.records(), applied });
  }
  return { managed: ledger.records(), plan, applied };
}

export async function reconcile(
  api: RepoHooksApi,
  input: ReconcileInput,
  opts: { maxRounds?: number } = {},
): Promise<ReconcileResult> {
  const maxRounds = Math.max(1, opts.maxRounds ?? DEFAULT_MAX_ROUNDS);
  const applied: PlanStep[] = [];
  let managed = input.managed;
  for (let round = 1; ; round++) {
    try {
      return await runRound(api, managed, applied, input.desired, (remote, records) =>
        planHooks({ desired: input.desired, remote, managed: records, policy: input.policy }),
      );
    } catch (err) {
      // An ambiguous create (timeout or 5xx on POST): list again, and the plan adopts the hook if it was made.
      if (!isAmbiguous(err) || round >= maxRounds) throw err;
      managed = reconcilePartial(err)!.managed;
    }
  }
}

/** Deletes every hook we manage. On success no records remain; on failure `partial` holds those not yet deleted. */
export function disconnect(api: RepoHooksApi, managed: ManagedHookRecord[]): Promise<ReconcileResult> {
  return runRound(api, managed, [], [], (remote, records) => planDisconnect({ remote, managed: records }));
}
