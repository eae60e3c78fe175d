/**
 * Ids of relay events and deliveries (a delivery's id is also the X-Request-UUID ARM receives). UUIDv7 leads with
 * the time, so new rows land at the end of the primary-key and event_id indexes instead of on a random page of
 * each: on SQLite that cut the relay's database CPU per event by about a third (measured in BENCHMARKS.md).
 */
import { v7 } from "uuid";

export const newRowId = (): string => v7();
