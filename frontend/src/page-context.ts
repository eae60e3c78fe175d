/** Reads the JSON the server embeds in the page (`<script id="arm-context" type="application/json">`). */
import type { ArmHostPolicy } from "../../src/arm";

export interface PageContext {
  sessionToken: string;
  repo: { uuid: string; fullName: string };
  defaults: { instance?: string };
  policy: ArmHostPolicy;
}

const isString = (v: unknown): v is string => typeof v === "string";

/** The context, or undefined when it is missing or not the expected shape (the page then says so instead of crashing). */
export function parsePageContext(text: string | null | undefined): PageContext | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
  const c = raw as Partial<PageContext> | null;
  const policy = c?.policy;
  if (
    !isString(c?.sessionToken) ||
    !isString(c?.repo?.uuid) ||
    !isString(c?.repo?.fullName) ||
    !Array.isArray(policy?.allowedHosts) ||
    !policy.allowedHosts.every(isString) ||
    typeof policy.allowHttpLoopback !== "boolean"
  ) {
    return undefined;
  }
  const instance = c.defaults?.instance;
  return {
    sessionToken: c.sessionToken,
    repo: { uuid: c.repo.uuid, fullName: c.repo.fullName },
    defaults: isString(instance) ? { instance } : {},
    policy: { allowedHosts: policy.allowedHosts, allowHttpLoopback: policy.allowHttpLoopback },
  };
}
