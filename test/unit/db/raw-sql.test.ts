import { Sequelize } from "sequelize";
import { chunks, readDate, sqliteDate, valuesList } from "../../../src/db/raw-sql";

describe("raw SQL helpers", () => {
  test("SQLite dates are bound exactly as sequelize stores them, and read back", () => {
    const sequelize = new Sequelize({ dialect: "sqlite", storage: ":memory:", logging: false });
    const d = new Date(Date.UTC(2026, 11, 3, 8, 4, 5, 67));
    expect(`'${sqliteDate(d)}'`).toBe(sequelize.escape(d));
    expect(sqliteDate(d)).toBe("2026-12-03 08:04:05.067 +00:00");
    expect(readDate(sqliteDate(d)).getTime()).toBe(d.getTime());
    expect(readDate(d)).toBe(d); // pg hands back Date objects
  });

  test("values lists have one placeholder per value, with per-column casts", () => {
    expect(valuesList(2, 3)).toBe("(?, ?, ?), (?, ?, ?)");
    expect(valuesList(1, 3, ["", "::int", "::timestamptz"])).toBe("(?, ?::int, ?::timestamptz)");
  });

  test("chunks keep every statement under the parameter limit, in order", () => {
    const items = Array.from({ length: 25 }, (_, i) => i);
    const parts = chunks(items, 4, 40);
    expect(parts.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(parts.flat()).toEqual(items);
    expect(chunks([], 4)).toEqual([]);
  });
});
