/**
 * What the connection form holds, and what it means: the same pure rules the server applies
 * (src/arm, src/hooks), so the preview and the inline messages never disagree with the server.
 */
import { ARM_DEFAULT_INSTANCE, validateInstance, validateOrg } from "../../src/arm";
import type { ArmHostPolicy, Edition, EndpointKind, Validation } from "../../src/arm";
import { hookTargets, MAX_SECRET_LENGTH } from "../../src/hooks/desired-hooks";
import type { Triggers } from "../../src/hooks/types";
import type { ConnectionView, ConnectRequest, DeliveryMode } from "../../src/connections/views";
import { validateStoryKeyPattern } from "../../src/relay/smart-commits";
import { DELIVERY_NAMES } from "./labels";

export interface EditionOption {
  label: string;
  value: Edition;
}

export const EDITION_OPTIONS: EditionOption[] = [
  { label: "Enterprise", value: "enterprise" },
  { label: "Standard", value: "standard" },
];

export interface DeliveryOption {
  label: string;
  value: DeliveryMode;
}

export const DELIVERY_OPTIONS: DeliveryOption[] = (["direct", "relay"] as const).map((value) => ({ label: DELIVERY_NAMES[value], value }));

export interface FormValues {
  instance: string;
  org: string;
  edition: EditionOption | null;
  token: string;
  push: boolean;
  pullRequests: boolean;
  almSync: boolean;
  deliveryMode: DeliveryOption | null;
  /** Blank: the default pattern. */
  storyKeyPattern: string;
  almSyncOnlyStoryCommits: boolean;
}

export type FieldName = "instance" | "org" | "edition" | "token" | "triggers" | "deliveryMode" | "storyKeyPattern";
export type FieldErrors = Partial<Record<FieldName, string>>;

export interface PreviewHook {
  endpoint: EndpointKind;
  url: string;
  events: string[];
}

export interface FormReading {
  errors: FieldErrors;
  /** The hooks that would be registered; null until instance, org, edition and triggers are valid. */
  preview: PreviewHook[] | null;
  /** What to send; null while anything is invalid. */
  request: ConnectRequest | null;
}

function editionOption(edition: Edition): EditionOption {
  return EDITION_OPTIONS.find((o) => o.value === edition) ?? EDITION_OPTIONS[0];
}

function deliveryOption(mode: DeliveryMode): DeliveryOption {
  return DELIVERY_OPTIONS.find((o) => o.value === mode) ?? DELIVERY_OPTIONS[0];
}

export function initialValues(connection: ConnectionView | null, defaultInstance: string | undefined): FormValues {
  if (connection === null) {
    return {
      instance: defaultInstance ?? ARM_DEFAULT_INSTANCE,
      org: "",
      edition: editionOption("enterprise"),
      token: "",
      push: true,
      pullRequests: true,
      almSync: true,
      deliveryMode: deliveryOption("direct"),
      storyKeyPattern: "",
      almSyncOnlyStoryCommits: true,
    };
  }
  return {
    instance: connection.instance,
    org: connection.org,
    edition: editionOption(connection.edition),
    token: "",
    ...connection.triggers,
    deliveryMode: deliveryOption(connection.deliveryMode),
    storyKeyPattern: connection.storyKeyPattern ?? "",
    almSyncOnlyStoryCommits: connection.almSyncOnlyStoryCommits,
  };
}

export function messageOf<T>(v: Validation<T>): string | undefined {
  return v.ok ? undefined : v.message;
}

export function tokenProblem(raw: string, required: boolean): string | undefined {
  const token = raw.trim();
  if (token === "") {
    return required ? "Paste the webhook API token from ARM (Admin > API Token, type webhook)." : undefined;
  }
  if (/\s/.test(token)) return "The token cannot contain spaces; copy it again from ARM.";
  if (token.length > MAX_SECRET_LENGTH) return `The token is longer than ${MAX_SECRET_LENGTH} characters; copy it again from ARM.`;
  return undefined;
}

/** The server's own rule; blank is fine (the default pattern). */
export function storyKeyPatternProblem(raw: string): string | undefined {
  return raw.trim() === "" ? undefined : messageOf(validateStoryKeyPattern(raw));
}

/** Standard ARM has no ALM commit sync endpoint, so that choice only counts on Enterprise. */
export function triggersOf(values: FormValues): Triggers {
  const enterprise = values.edition?.value === "enterprise";
  return { push: values.push, pullRequests: values.pullRequests, almSync: enterprise && values.almSync };
}

export function triggersProblem(values: FormValues): string | undefined {
  const t = triggersOf(values);
  return t.push || t.pullRequests || t.almSync ? undefined : "Choose at least one thing for ARM to do.";
}

export function readForm(values: FormValues, policy: ArmHostPolicy, tokenRequired: boolean): FormReading {
  const instance = validateInstance(values.instance, policy);
  const org = validateOrg(values.org);
  const errors: FieldErrors = {
    instance: messageOf(instance),
    org: messageOf(org),
    edition: values.edition === null ? "Choose the ARM edition." : undefined,
    token: tokenProblem(values.token, tokenRequired),
    triggers: triggersProblem(values),
    deliveryMode: values.deliveryMode === null ? "Choose how events reach ARM." : undefined,
    storyKeyPattern: storyKeyPatternProblem(values.storyKeyPattern),
  };
  if (!instance.ok || !org.ok || values.edition === null || errors.triggers !== undefined) {
    return { errors, preview: null, request: null };
  }
  const triggers = triggersOf(values);
  const settings = { instance: instance.value, org: org.value, edition: values.edition.value, triggers };
  const preview = hookTargets(settings);
  const token = values.token.trim();
  const pattern = values.storyKeyPattern.trim();
  const request: ConnectRequest | null =
    errors.token === undefined && values.deliveryMode !== null && errors.storyKeyPattern === undefined
      ? {
          ...settings,
          deliveryMode: values.deliveryMode.value,
          storyKeyPattern: pattern === "" ? null : pattern,
          almSyncOnlyStoryCommits: values.almSyncOnlyStoryCommits,
          ...(token === "" ? {} : { token }),
        }
      : null;
  return { errors, preview, request };
}
