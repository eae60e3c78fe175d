/** The Delivery choice: Bitbucket's own webhooks call ARM, or this app receives, stores and relays the events. */
import { ErrorMessage, Field, HelperMessage } from "@atlaskit/form";
import Select from "@atlaskit/select";
import { DELIVERY_OPTIONS } from "./form-model";
import type { DeliveryOption } from "./form-model";

export const DELIVERY_EXPLANATION =
  "Direct: Bitbucket calls ARM itself, retries twice at once if ARM fails, then drops the event. " +
  "Through ARM Connector: this app stores every event, retries it for hours and can replay it.";

export function DeliveryModeField({ initial }: { initial: DeliveryOption | null }) {
  return (
    <Field<DeliveryOption | null> name="deliveryMode" label="Delivery" defaultValue={initial} isRequired>
      {({ fieldProps: { id, ...rest }, error }) => (
        <>
          <Select<DeliveryOption> {...rest} inputId={id} options={DELIVERY_OPTIONS} />
          {error ? <ErrorMessage>{error}</ErrorMessage> : <HelperMessage>{DELIVERY_EXPLANATION}</HelperMessage>}
        </>
      )}
    </Field>
  );
}
