/**
 * The connection settings: instance, org, edition, token, triggers, with inline validation and a live
 * preview of the webhooks. Validation uses the server's own rules (see form-model.ts).
 */
import Button from "@atlaskit/button/default/button";
import Form, { CheckboxField, ErrorMessage, Field, HelperMessage, useFormState } from "@atlaskit/form";
import { Checkbox } from "@atlaskit/checkbox";
import Select from "@atlaskit/select";
import TextField from "@atlaskit/textfield";
import { validateInstance, validateOrg } from "../../src/arm";
import type { ArmHostPolicy } from "../../src/arm";
import type { ConnectRequest, SmartCommitPreview } from "../../src/connections/views";
import { DeliveryModeField } from "./DeliveryModeField";
import { EDITION_OPTIONS, messageOf, readForm, tokenProblem } from "./form-model";
import type { EditionOption, FieldErrors, FormValues } from "./form-model";
import type { Action } from "./messages";
import { PastedUrlHint } from "./PastedUrlHint";
import { SmartCommitsSection } from "./SmartCommitsSection";
import { WebhookPreview } from "./WebhookPreview";

interface Props {
  policy: ArmHostPolicy;
  initial: FormValues;
  connected: boolean;
  busy: Action | null;
  /** Resolves to errors to show under fields (from the server), or undefined. */
  onSubmit: (request: ConnectRequest) => Promise<FieldErrors | undefined>;
  previewSmartCommits: (pattern: string) => Promise<SmartCommitPreview>;
}

export function ConnectionForm({ policy, initial, connected, busy, onSubmit, previewSmartCommits }: Props) {
  return (
    <Form<FormValues>
      label="ARM connection settings"
      autocomplete="off"
      isDisabled={busy !== null}
      onSubmit={async (values) => {
        const { request, errors } = readForm({ ...initial, ...values }, policy, !connected);
        return request === null ? errors : onSubmit(request);
      }}
    >
      {({ formProps, setFieldValue }) => (
        <form {...formProps} noValidate>
          <FormFields
            policy={policy}
            initial={initial}
            connected={connected}
            busy={busy}
            setFieldValue={setFieldValue}
            previewSmartCommits={previewSmartCommits}
          />
        </form>
      )}
    </Form>
  );
}

interface FieldsProps {
  policy: ArmHostPolicy;
  initial: FormValues;
  connected: boolean;
  busy: Action | null;
  setFieldValue: (name: keyof FormValues, value: unknown) => void;
  previewSmartCommits: (pattern: string) => Promise<SmartCommitPreview>;
}

function FormFields({ policy, initial, connected, busy, setFieldValue, previewSmartCommits }: FieldsProps) {
  // Undefined on the first render (see useFormState); the initial values are what the fields hold then.
  const state = useFormState<FormValues>({ values: true });
  const values: FormValues = { ...initial, ...state?.values };
  const reading = readForm(values, policy, !connected);
  const enterprise = values.edition?.value === "enterprise";

  return (
    <>
      <Field<string> name="instance" label="ARM instance URL" defaultValue={initial.instance} isRequired validate={(v) => messageOf(validateInstance(v ?? "", policy))}>
        {({ fieldProps, error }) => (
          <>
            <TextField {...fieldProps} type="url" inputMode="url" spellCheck={false} autoComplete="off" />
            {error ? <ErrorMessage>{error}</ErrorMessage> : <HelperMessage>The address you use to sign in to ARM, for example https://login.autorabit.com.</HelperMessage>}
            <PastedUrlHint
              text={values.instance}
              policy={policy}
              onUse={(target) => {
                setFieldValue("instance", target.instance);
                setFieldValue("org", target.org);
                setFieldValue("edition", EDITION_OPTIONS.find((o) => o.value === target.edition) ?? null);
              }}
            />
          </>
        )}
      </Field>

      <Field<string> name="org" label="Organization name" defaultValue={initial.org} isRequired validate={(v) => messageOf(validateOrg(v ?? ""))}>
        {({ fieldProps, error }) => (
          <>
            <TextField {...fieldProps} spellCheck={false} autoComplete="off" />
            {error ? <ErrorMessage>{error}</ErrorMessage> : <HelperMessage>Your organization name in ARM, for example autorabit.com.</HelperMessage>}
          </>
        )}
      </Field>

      <Field<EditionOption | null> name="edition" label="Edition" defaultValue={initial.edition} isRequired>
        {({ fieldProps: { id, ...rest }, error }) => (
          <>
            <Select<EditionOption> {...rest} inputId={id} options={EDITION_OPTIONS} />
            {error ? <ErrorMessage>{error}</ErrorMessage> : <HelperMessage>Use the edition of your ARM subscription; it decides the webhook URLs.</HelperMessage>}
          </>
        )}
      </Field>

      <Field<string>
        name="token"
        label="Webhook API token"
        defaultValue=""
        isRequired={!connected}
        validate={(v) => tokenProblem(v ?? "", !connected)}
      >
        {({ fieldProps, error }) => (
          <>
            <TextField {...fieldProps} type="password" autoComplete="off" spellCheck={false} />
            {error ? (
              <ErrorMessage>{error}</ErrorMessage>
            ) : (
              <HelperMessage>
                {connected ? "Leave empty to keep the current token. " : ""}Create it in ARM under Admin &gt; API Token, with type webhook.
              </HelperMessage>
            )}
          </>
        )}
      </Field>

      <fieldset className="arm-fieldset">
        <legend>What ARM should do</legend>
        <CheckboxField name="push" defaultIsChecked={initial.push}>
          {({ fieldProps }) => <Checkbox {...fieldProps} label="Build on push" />}
        </CheckboxField>
        <CheckboxField name="pullRequests" defaultIsChecked={initial.pullRequests}>
          {({ fieldProps }) => <Checkbox {...fieldProps} label="Pull request jobs" />}
        </CheckboxField>
        <CheckboxField name="almSync" defaultIsChecked={initial.almSync} isDisabled={!enterprise}>
          {({ fieldProps }) => (
            <Checkbox {...fieldProps} isChecked={enterprise && fieldProps.isChecked} label="ALM commit sync (smart commits)" />
          )}
        </CheckboxField>
        {!enterprise && <HelperMessage>ALM commit sync needs the Enterprise edition; Standard ARM has only the push webhook.</HelperMessage>}
        {reading.errors.triggers !== undefined && <ErrorMessage>{reading.errors.triggers}</ErrorMessage>}
      </fieldset>

      <DeliveryModeField initial={initial.deliveryMode} />

      <SmartCommitsSection initial={initial} values={values} almSync={enterprise && values.almSync} previewSmartCommits={previewSmartCommits} />

      <WebhookPreview hooks={reading.preview} connected={connected} relayed={values.deliveryMode?.value === "relay"} />

      <div className="arm-actions arm-submit">
        <Button type="submit" appearance="primary" isDisabled={reading.request === null || busy !== null} isLoading={busy === "connect" || busy === "save"}>
          {connected ? "Save settings" : "Connect to ARM"}
        </Button>
      </div>
    </>
  );
}
