/** RELAY_RETENTION: 30 days by default, read with the relay's duration parser, bounded. */
import { loadConfig } from "../../../src/config";

const DAY = 86_400_000;

test("defaults to 30 days and reads durations", () => {
  expect(loadConfig({}).relay.retentionMs).toBe(30 * DAY);
  expect(loadConfig({ RELAY_RETENTION: "7d" }).relay.retentionMs).toBe(7 * DAY);
  expect(loadConfig({ RELAY_RETENTION: " 36h " }).relay.retentionMs).toBe(36 * 3_600_000);
});

test("refuses what is not a duration, or less than an hour", () => {
  expect(() => loadConfig({ RELAY_RETENTION: "forever" })).toThrow(/RELAY_RETENTION .*is not a duration/);
  expect(() => loadConfig({ RELAY_RETENTION: "10m" })).toThrow(/RELAY_RETENTION must be between/);
});
