/** Relay mode: endpoints the relay stopped delivering to (410 Gone, or failing too long), one warning each. */
import SectionMessage from "@atlaskit/section-message";
import type { PausedEndpoint } from "../../src/connections/views";
import { ENDPOINT_NAMES } from "./labels";

export function PausedEndpoints({ paused }: { paused: PausedEndpoint[] }) {
  return (
    <>
      {paused.map((p) => (
        <SectionMessage key={p.endpoint} appearance="warning" title={`Deliveries to ${ENDPOINT_NAMES[p.endpoint]} are paused`}>
          <div className="arm-stack" data-testid="paused-endpoint">
            <p>{p.reason}</p>
            <p>
              Paused since <time dateTime={p.pausedAt}>{new Date(p.pausedAt).toLocaleString()}</time>. Events received meanwhile are kept.
              Once the cause is fixed, <strong>Reconnect</strong> resumes delivery.
            </p>
          </div>
        </SectionMessage>
      ))}
    </>
  );
}
