import { parseRegex } from "../../../src/relay/regex-syntax";

describe("parseRegex", () => {
  it("reads sequences, alternatives, groups and quantifiers", () => {
    expect(parseRegex("(?:AB|C)+?x{2,5}y{3,}z?").root).toEqual({
      type: "seq",
      items: [
        {
          type: "repeat",
          min: 1,
          max: Infinity,
          body: { type: "alt", options: [{ type: "seq", items: [{ type: "char", source: "A" }, { type: "char", source: "B" }] }, { type: "char", source: "C" }] },
        },
        { type: "repeat", min: 2, max: 5, body: { type: "char", source: "x" } },
        { type: "repeat", min: 3, max: Infinity, body: { type: "char", source: "y" } },
        { type: "repeat", min: 0, max: 1, body: { type: "char", source: "z" } },
      ],
    });
  });

  it("keeps classes and escapes whole, as sources that compile on their own", () => {
    const { root } = parseRegex("[^\\]a-z]\\d\\p{Lu}\\u{1F600}.");
    expect(root).toEqual({
      type: "seq",
      items: ["[^\\]a-z]", "\\d", "\\p{Lu}", "\\u{1F600}", "."].map((source) => ({ type: "char", source })),
    });
  });

  it("treats anchors, word boundaries and lookarounds as zero-width", () => {
    const { root } = parseRegex("^\\b(?<![a-z])X(?=Y)\\B$");
    expect(root).toEqual({
      type: "seq",
      items: [
        { type: "empty" },
        { type: "empty" },
        { type: "look", body: { type: "char", source: "[a-z]" } },
        { type: "char", source: "X" },
        { type: "look", body: { type: "char", source: "Y" } },
        { type: "empty" },
        { type: "empty" },
      ],
    });
  });

  it("recognises back-references by number and by name, and lists named groups", () => {
    const parsed = parseRegex("(?<key>a)(b)\\k<key>\\2");
    expect(parsed.namedGroups).toEqual(["key"]);
    expect(parsed.root).toMatchObject({ items: [{}, {}, { type: "backref" }, { type: "backref" }] });
  });

  it("collects the code points the pattern names, escapes decoded", () => {
    const { codePoints } = parseRegex("A[b-d\\x41\\u0416\\u{1F600}]\\t\\cJ\\.😀");
    expect(codePoints).toEqual([0x41, 0x62, 0x2d, 0x64, 0x41, 0x416, 0x1f600, 9, 10, 0x2e, 0x1f600]);
  });
});
