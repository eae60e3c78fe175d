/**
 * What the settings page shows per wanted endpoint, read off the plan so that "connected" means exactly
 * "reconciling would change nothing". Pure. Details never echo hook URLs (they may carry tokens in a query string).
 */
import { classifyArmUrl } from "../arm/classify-arm-url";
import type { DesiredHook, HookPlan, HookStatus, PlanStep, RemoteHook, UpdateReason } from "./types";
import { planHooks, type PlanInput } from "./plan-hooks";

function listing(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function events(list: string[]): string {
  return list.length === 0 ? "no events" : listing([...list].sort());
}

function driftPhrases(reasons: UpdateReason[], hook: RemoteHook, d: DesiredHook): string[] {
  const adopted = reasons.includes("adopt");
  const phrases: Record<UpdateReason, string | undefined> = {
    legacy: undefined,
    malformed: undefined,
    url: "it points to a different ARM address",
    events: `it sends ${events(hook.events)} instead of ${events(d.events)}`,
    inactive: "it is disabled",
    // An adopted hook's secret is unknown rather than wrong; the adopt phrase covers it.
    secret: adopted ? undefined : "its secret is not the current ARM token",
    description: "its description was changed",
    adopt: "it was added outside the connector, which does not manage it yet",
  };
  return reasons.map((r) => phrases[r]).filter((p): p is string => p !== undefined);
}

function duplicatesNote(count: number): string {
  if (count === 0) return "";
  const them = count === 1 ? "1 other webhook also calls" : `${count} other webhooks also call`;
  return ` ${them} this ARM endpoint, so ARM would be triggered more than once.`;
}

function statusFor(d: DesiredHook, plan: HookPlan, input: PlanInput): HookStatus {
  const own = plan.steps.find((s) => s.op !== "delete" && s.endpoint === d.endpoint) as Exclude<PlanStep, { op: "delete" }>;
  const duplicates = plan.steps.filter((s) => s.op === "delete" && s.reason === "duplicate" && s.endpoint === d.endpoint).length;
  const base = { endpoint: d.endpoint, url: d.url };
  if (own.op === "create") {
    return { ...base, state: "missing", events: [], detail: "No webhook sends this repository's events to this ARM endpoint yet." };
  }
  const hook = input.remote.find((h) => h.uuid === own.hookUuid) as RemoteHook;
  const found = { ...base, hookUuid: hook.uuid, events: [...hook.events].sort() };
  if (own.op === "keep") {
    return duplicates === 0
      ? { ...found, state: "connected", detail: "The webhook matches these settings." }
      : { ...found, state: "drifted", detail: `The webhook matches these settings, but${duplicatesNote(duplicates)}` };
  }
  if (own.reasons.includes("legacy")) {
    const detail = "Only a webhook on a retired ARM address exists, which ARM no longer serves; connecting moves it to the current address.";
    return { ...found, state: "legacy", detail: detail + duplicatesNote(duplicates) };
  }
  if (own.reasons.includes("malformed")) {
    const cls = classifyArmUrl(hook.url, input.policy);
    const why = cls.kind === "malformed" ? ` ${cls.reason}` : "";
    return { ...found, state: "legacy", detail: `Only a broken ARM webhook exists.${why} Connecting repairs it.${duplicatesNote(duplicates)}` };
  }
  const what = listing(driftPhrases(own.reasons, hook, d));
  return { ...found, state: "drifted", detail: `The webhook differs from these settings: ${what}.${duplicatesNote(duplicates)}` };
}

/** One status per desired hook, in the order of `desired`. Pass the plan when it is already computed. */
export function hookStatuses(input: PlanInput, plan: HookPlan = planHooks(input)): HookStatus[] {
  return input.desired.map((d) => statusFor(d, plan, input));
}
