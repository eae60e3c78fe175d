/**
 * Computes what to do to a repository's hooks so that exactly one hook per wanted ARM endpoint matches the settings.
 * Pure: the plan is data; reconcile.ts carries it out.
 *
 * Which hooks are "ours" for an endpoint, in the order we prefer to keep one:
 *   1. hooks we remember (managed records) that still exist;
 *   2. hooks with exactly the desired URL (made by hand: adopted);
 *   3. legacy or malformed ARM hooks of that endpoint on an ARM host (migrated in place, preferring the same instance);
 *   4. current-form ARM hooks of that endpoint for the same instance and org under the other edition (migrated).
 * The first still unclaimed one is kept or updated; the rest are deleted as duplicates, so ARM is triggered once.
 * Anything else is never touched: other services' hooks (Jenkins…), ARM hooks for another org or instance that
 * we do not manage, and malformed ARM-looking hooks on hosts outside the ARM host policy (perhaps a customer's proxy).
 */
import { classifyArmUrl } from "../arm/classify-arm-url";
import { isArmHost } from "../arm/origin-policy";
import type { ArmHostPolicy, ArmUrlClass, EndpointKind } from "../arm/types";
import type { DesiredHook, HookBody, HookPlan, ManagedHookRecord, PlanStep, RemoteHook, UpdateReason } from "./types";

export interface PlanInput {
  desired: DesiredHook[];
  remote: RemoteHook[];
  managed: ManagedHookRecord[];
  policy: ArmHostPolicy;
}

interface Candidate {
  hook: RemoteHook;
  class: ArmUrlClass;
  record?: ManagedHookRecord;
}

function sameEvents(a: string[], b: string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((e, i) => e === y[i]);
}

function onArmHost(url: string, policy: ArmHostPolicy): boolean {
  try {
    return isArmHost(new URL(url), policy);
  } catch {
    return false;
  }
}

function instanceOf(c: ArmUrlClass): string | undefined {
  return "instance" in c ? c.instance : undefined;
}

/** Every hook that counts as ours for this endpoint, best first, each once. */
function candidatesFor(d: DesiredHook, input: PlanInput, classes: Map<string, ArmUrlClass>): Candidate[] {
  const { remote, managed, policy } = input;
  const want = classifyArmUrl(d.url, policy);
  const wantInstance = instanceOf(want);
  const cls = (h: RemoteHook) => classes.get(h.uuid) as ArmUrlClass;
  const byUuid = new Map(remote.map((h) => [h.uuid, h]));

  const remembered = managed.filter((r) => r.endpoint === d.endpoint && byUuid.has(r.hookUuid));
  const exact = remote.filter((h) => h.url === d.url);
  const outdated = remote.filter((h) => {
    const c = cls(h);
    if (c.kind === "legacy") return c.endpoint === d.endpoint;
    return c.kind === "malformed" && c.endpoint === d.endpoint && onArmHost(h.url, policy);
  });
  const onOurInstance = (h: RemoteHook) => wantInstance !== undefined && instanceOf(cls(h)) === wantInstance;
  const otherEdition = remote.filter((h) => {
    const c = cls(h);
    return want.kind === "current" && c.kind === "current" && c.endpoint === d.endpoint && c.instance === want.instance && c.org === want.org;
  });

  const ordered: { hook: RemoteHook; record?: ManagedHookRecord }[] = [
    ...remembered.map((record) => ({ hook: byUuid.get(record.hookUuid) as RemoteHook, record })),
    ...[...exact, ...outdated.filter(onOurInstance), ...outdated.filter((h) => !onOurInstance(h)), ...otherEdition].map((hook) => ({ hook })),
  ];
  const seen = new Set<string>();
  return ordered.filter(({ hook }) => !seen.has(hook.uuid) && seen.add(hook.uuid)).map((c) => ({ ...c, class: cls(c.hook) }));
}

/** Why the owned hook differs from the desired one, in UpdateReason order; empty when it matches. */
function differences(d: DesiredHook, owned: Candidate): UpdateReason[] {
  const { hook, record } = owned;
  const reasons: UpdateReason[] = [];
  if (owned.class.kind === "legacy") reasons.push("legacy");
  else if (owned.class.kind === "malformed") reasons.push("malformed");
  else if (hook.url !== d.url) reasons.push("url");
  if (!sameEvents(hook.events, d.events)) reasons.push("events");
  if (!hook.active) reasons.push("inactive");
  // Bitbucket never returns secrets (JENKINS-76496): only what we remember setting proves the secret is current.
  if (!record || record.secretFingerprint !== d.secretFingerprint || !hook.secret_set) reasons.push("secret");
  if (hook.description !== d.description) reasons.push("description");
  if (!record) reasons.push("adopt");
  return reasons;
}

function bodyFor(d: DesiredHook, withSecret: boolean): HookBody {
  const body: HookBody = { url: d.url, description: d.description, events: [...d.events].sort(), active: true };
  if (withSecret) body.secret = d.secret; // omitted on PUT keeps the secret Bitbucket has
  return body;
}

/**
 * Step order: deletes, then updates, then creates, then keeps. Deleting first keeps the hook count (and the
 * chance of hitting Bitbucket's per-repository hook limit) low, and it never leaves an endpoint without a hook:
 * duplicates exist only beside an owner hook that survives, and not-wanted endpoints are not wanted.
 */
export function planHooks(input: PlanInput): HookPlan {
  const classes = new Map(input.remote.map((h) => [h.uuid, classifyArmUrl(h.url, input.policy)]));
  const candidates = input.desired.map((d) => ({ d, list: candidatesFor(d, input, classes) }));
  const claimed = new Set<string>();
  const owners = candidates.map(({ d, list }) => {
    const owner = list.find((c) => !claimed.has(c.hook.uuid));
    if (owner) claimed.add(owner.hook.uuid);
    return { d, owner };
  });

  const deletes: PlanStep[] = [];
  for (const { d, list } of candidates) {
    for (const c of list) {
      if (claimed.has(c.hook.uuid)) continue;
      claimed.add(c.hook.uuid);
      deletes.push({ op: "delete", endpoint: d.endpoint, hookUuid: c.hook.uuid, url: c.hook.url, reason: "duplicate" });
    }
  }
  const wanted = new Set<EndpointKind>(input.desired.map((d) => d.endpoint));
  const present = new Map(input.remote.map((h) => [h.uuid, h]));
  for (const r of input.managed) {
    const hook = present.get(r.hookUuid);
    if (wanted.has(r.endpoint) || !hook || claimed.has(r.hookUuid)) continue;
    claimed.add(r.hookUuid);
    deletes.push({ op: "delete", endpoint: r.endpoint, hookUuid: r.hookUuid, url: hook.url, reason: "not-wanted" });
  }

  const updates: PlanStep[] = [];
  const creates: PlanStep[] = [];
  const keeps: PlanStep[] = [];
  for (const { d, owner } of owners) {
    if (!owner) {
      creates.push({ op: "create", endpoint: d.endpoint, body: bodyFor(d, true), secretFingerprint: d.secretFingerprint });
      continue;
    }
    const reasons = differences(d, owner);
    if (reasons.length === 0) {
      keeps.push({ op: "keep", endpoint: d.endpoint, hookUuid: owner.hook.uuid, secretFingerprint: d.secretFingerprint });
    } else {
      updates.push({
        op: "update",
        endpoint: d.endpoint,
        hookUuid: owner.hook.uuid,
        body: bodyFor(d, reasons.includes("secret")),
        secretFingerprint: d.secretFingerprint,
        reasons,
      });
    }
  }
  return { steps: [...deletes, ...updates, ...creates, ...keeps] };
}

/** Deletes every hook we manage that still exists; nothing else. */
export function planDisconnect(input: { remote: RemoteHook[]; managed: ManagedHookRecord[] }): HookPlan {
  const present = new Map(input.remote.map((h) => [h.uuid, h]));
  const done = new Set<string>();
  const steps: PlanStep[] = [];
  for (const r of input.managed) {
    const hook = present.get(r.hookUuid);
    if (!hook || done.has(r.hookUuid)) continue;
    done.add(r.hookUuid);
    steps.push({ op: "delete", endpoint: r.endpoint, hookUuid: r.hookUuid, url: hook.url, reason: "disconnect" });
  }
  return { steps };
}
