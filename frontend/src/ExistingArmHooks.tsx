/**
 * Before the first connect: the ARM webhooks the repository already has. A retired or broken one fails silently
 * (ARM 25.3.9 stopped accepting the old addresses), so the admin is told before connecting.
 */
import Lozenge from "@atlaskit/lozenge";
import SectionMessage from "@atlaskit/section-message";
import type { ExistingArmHook } from "../../src/connections/views";
import { ENDPOINT_NAMES, plural } from "./labels";

type Kind = ExistingArmHook["kind"];

const KIND_LOZENGES: Record<Kind, { appearance: "success" | "removed"; text: string }> = {
  current: { appearance: "success", text: "Current URL" },
  legacy: { appearance: "removed", text: "Retired URL" },
  malformed: { appearance: "removed", text: "Malformed URL" },
};

/** "1 uses a retired URL (…)", "2 are malformed": one clause per kind present, in the order the admin should care. */
function clauses(count: (kind: Kind) => number): string[] {
  const phrase: Record<Kind, (n: number) => string> = {
    legacy: (n) =>
      n === 1 ? "1 uses a retired URL (ARM stopped accepting it in 25.3.9)" : `${n} use retired URLs (ARM stopped accepting them in 25.3.9)`,
    malformed: (n) => `${n} ${n === 1 ? "is" : "are"} malformed`,
    current: (n) => `${n} ${n === 1 ? "uses the current URL form" : "use the current URL form"}`,
  };
  return (["legacy", "malformed", "current"] as Kind[]).filter((k) => count(k) > 0).map((k) => phrase[k](count(k)));
}

function summary(hooks: ExistingArmHook[]): string {
  const count = (kind: Kind) => hooks.filter((h) => h.kind === kind).length;
  const lead = `This repository has ${plural(hooks.length, "ARM webhook", "ARM webhooks")}: ${clauses(count).join(", ")}.`;
  const outdated = count("legacy") + count("malformed") > 0;
  const next = outdated ? "Connect to ARM will update them in place." : "Connect to ARM reuses one that matches your settings instead of adding another.";
  return `${lead} ${next}`;
}

export function ExistingArmHooks({ hooks, error }: { hooks: ExistingArmHook[]; error?: string }) {
  if (error !== undefined) {
    return (
      <SectionMessage appearance="warning" title="The repository's webhooks could not be checked">
        {error}
      </SectionMessage>
    );
  }
  if (hooks.length === 0) return null;
  const outdated = hooks.some((h) => h.kind !== "current");
  return (
    <SectionMessage appearance={outdated ? "warning" : "information"} title="ARM webhooks already on this repository">
      <div className="arm-stack" data-testid="existing-arm-hooks">
        <p>{summary(hooks)}</p>
        <ul className="arm-list">
          {hooks.map((hook) => (
            <li key={hook.uuid} className="arm-item">
              <div className="arm-item-head">
                <span>{hook.endpoint !== undefined ? ENDPOINT_NAMES[hook.endpoint] : "ARM webhook (endpoint unknown)"}</span>
                <Lozenge appearance={KIND_LOZENGES[hook.kind].appearance}>{KIND_LOZENGES[hook.kind].text}</Lozenge>
              </div>
              <p>{hook.detail}</p>
            </li>
          ))}
        </ul>
      </div>
    </SectionMessage>
  );
}
