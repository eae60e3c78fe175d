/**
 * Admins often paste the full webhook URL that ARM displays. When the instance field holds one that is
 * current and valid, offer to fill instance, org and edition from it instead of just refusing it.
 */
import Button from "@atlaskit/button/default/button";
import { parseDisplayedArmUrl, validateInstance } from "../../src/arm";
import type { ArmHostPolicy, ArmTarget } from "../../src/arm";

interface Props {
  text: string;
  policy: ArmHostPolicy;
  onUse: (target: ArmTarget) => void;
}

export function PastedUrlHint({ text, policy, onUse }: Props) {
  if (validateInstance(text, policy).ok) return null;
  const parsed = parseDisplayedArmUrl(text, policy);
  if (!parsed.ok) return null;
  const { target } = parsed.value;
  return (
    <div className="arm-actions arm-hint">
      <span>
        This URL is for organization <strong>{target.org}</strong> on {target.instance} ({target.edition} edition).
      </span>
      <Button spacing="compact" onClick={() => onUse(target)}>
        Use these settings
      </Button>
    </div>
  );
}
