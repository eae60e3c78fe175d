/** Smart commits: the story key pattern, whether ALM commit sync hears only of pushes with a key, and the preview. */
import { CheckboxField, ErrorMessage, Field, HelperMessage } from "@atlaskit/form";
import { Checkbox } from "@atlaskit/checkbox";
import TextField from "@atlaskit/textfield";
import type { SmartCommitPreview } from "../../src/connections/views";
import { DEFAULT_STORY_KEY_PATTERN } from "../../src/relay/smart-commits";
import { storyKeyPatternProblem } from "./form-model";
import type { FormValues } from "./form-model";
import { SmartCommitsPreview } from "./SmartCommitsPreview";

interface Props {
  initial: FormValues;
  /** What the form holds now. */
  values: FormValues;
  /** ALM commit sync is chosen (and possible: Enterprise). */
  almSync: boolean;
  previewSmartCommits: (pattern: string) => Promise<SmartCommitPreview>;
}

export function SmartCommitsSection({ initial, values, almSync, previewSmartCommits }: Props) {
  const relay = values.deliveryMode?.value === "relay";
  const patternValid = storyKeyPatternProblem(values.storyKeyPattern) === undefined;
  return (
    <section aria-labelledby="arm-smart-title" className="arm-stack arm-preview">
      <h3 id="arm-smart-title">Smart commits</h3>
      <Field<string> name="storyKeyPattern" label="Story key pattern" defaultValue={initial.storyKeyPattern} validate={(v) => storyKeyPatternProblem(v ?? "")}>
        {({ fieldProps, error }) => (
          <>
            <TextField {...fieldProps} placeholder={DEFAULT_STORY_KEY_PATTERN} spellCheck={false} autoComplete="off" isMonospaced />
            {error ? (
              <ErrorMessage>{error}</ErrorMessage>
            ) : (
              <HelperMessage>
                A regular expression for the story keys in commit messages. Leave it empty for the default: keys like PROJ-123, in square brackets or
                not.
              </HelperMessage>
            )}
          </>
        )}
      </Field>
      {almSync && (
        <CheckboxField name="almSyncOnlyStoryCommits" defaultIsChecked={initial.almSyncOnlyStoryCommits}>
          {({ fieldProps }) => (
            <>
              <Checkbox {...fieldProps} label="Send to ALM commit sync only pushes with a story key" />
              <HelperMessage>
                {relay
                  ? "A push reaches ALM commit sync only if at least one of its commits carries a key; pushes of more than five commits are judged on all of them."
                  : "Takes effect with Delivery through ARM Connector; Bitbucket's own webhooks send every push."}
              </HelperMessage>
            </>
          )}
        </CheckboxField>
      )}
      <SmartCommitsPreview pattern={patternValid ? values.storyKeyPattern.trim() : null} load={previewSmartCommits} />
    </section>
  );
}
