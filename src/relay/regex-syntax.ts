/**
 * A parser for JavaScript regular expressions in unicode mode (`u` flag), just deep enough to judge how a
 * backtracking engine will run them (see regex-safety.ts). Pure; runs in Node and in the browser.
 * It expects a pattern that `new RegExp(pattern, "u")` already accepted, so it does not re-check syntax.
 */

export type RegexNode =
  /** Consumes one character. `source` compiles on its own as a regex matching exactly that character. */
  | { type: "char"; source: string }
  /** Zero-width: `^`, `$`, `\b`, `\B`, or nothing at all. */
  | { type: "empty" }
  | { type: "backref" }
  /** `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`. */
  | { type: "look"; body: RegexNode }
  | { type: "seq"; items: RegexNode[] }
  | { type: "alt"; options: RegexNode[] }
  | { type: "repeat"; body: RegexNode; min: number; max: number };

export interface ParsedRegex {
  root: RegexNode;
  /** Every code point the pattern names (literals, range ends, escapes): where character sets can differ. */
  codePoints: number[];
  namedGroups: string[];
}

const CLASS_ESCAPES = "dDwWsS";
const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

export function parseRegex(pattern: string): ParsedRegex {
  let pos = 0;
  const codePoints: number[] = [];
  const namedGroups: string[] = [];

  const peek = (ahead = 0) => pattern[pos + ahead];
  const eat = (text: string) => {
    if (!pattern.startsWith(text, pos)) return false;
    pos += text.length;
    return true;
  };
  const fail = (why: string): never => {
    throw new Error(`cannot read the pattern at position ${pos}: ${why}`);
  };

  /** One literal code point (astral characters are one code point in unicode mode). */
  function literal(): string {
    const cp = pattern.codePointAt(pos)!;
    const text = String.fromCodePoint(cp);
    pos += text.length;
    codePoints.push(cp);
    return text;
  }

  /** After a backslash: the code point an escape stands for, or undefined for `\d`, `\p{…}` and other sets. */
  function escapedCodePoint(inClass: boolean): number | undefined {
    const c = peek();
    if (c === undefined) return fail("a pattern cannot end with a backslash");
    if (CLASS_ESCAPES.includes(c)) {
      pos++;
      return undefined;
    }
    if (c === "p" || c === "P") {
      const close = pattern.indexOf("}", pos);
      if (peek(1) !== "{" || close < 0) fail("a property escape needs {…}");
      pos = close + 1;
      return undefined;
    }
    if (c === "x" || c === "u") {
      const braced = c === "u" && peek(1) === "{"; // \u{1F600}
      const digits = braced ? pattern.slice(pos + 2, pattern.indexOf("}", pos)) : pattern.slice(pos + 1, pos + (c === "x" ? 3 : 5));
      pos += 1 + digits.length + (braced ? 2 : 0);
      return parseInt(digits, 16);
    }
    if (c === "c") {
      pos += 2;
      return pattern.charCodeAt(pos - 1) % 32;
    }
    pos++;
    if (c in CONTROL_ESCAPES) return CONTROL_ESCAPES[c];
    if (c === "0") return 0;
    if (c === "b" && inClass) return 8; // backspace, inside a class only
    return c.codePointAt(0)!; // an identity escape such as \. or \-
  }

  /** `[…]`: only its source and the code points it names matter. */
  function characterClass(): RegexNode {
    const start = pos++;
    eat("^");
    while (peek() !== "]") {
      if (peek() === undefined) fail("an unclosed [");
      if (eat("\\")) {
        const cp = escapedCodePoint(true);
        if (cp !== undefined) codePoints.push(cp);
      } else {
        literal();
      }
    }
    pos++;
    return { type: "char", source: pattern.slice(start, pos) };
  }

  function atom(): RegexNode {
    const c = peek();
    if (c === "[") return characterClass();
    if (c === "(") return group();
    if (c === "^" || c === "$" || c === ".") {
      pos++;
      return c === "." ? { type: "char", source: "." } : { type: "empty" };
    }
    if (c === "\\") {
      const start = pos++;
      const e = peek();
      if (e === "b" || e === "B") {
        pos++;
        return { type: "empty" };
      }
      if (e === "k" || (e >= "1" && e <= "9")) {
        pos++;
        if (e === "k") pos = pattern.indexOf(">", pos) + 1;
        else while (/[0-9]/.test(peek() ?? "")) pos++;
        return { type: "backref" };
      }
      const cp = escapedCodePoint(false);
      if (cp !== undefined) codePoints.push(cp);
      return { type: "char", source: pattern.slice(start, pos) };
    }
    return { type: "char", source: literal() };
  }

  function group(): RegexNode {
    pos++; // (
    let look = false;
    if (eat("?:")) {
      // non-capturing
    } else if (eat("?=") || eat("?!") || eat("?<=") || eat("?<!")) {
      look = true;
    } else if (eat("?<")) {
      const close = pattern.indexOf(">", pos);
      namedGroups.push(pattern.slice(pos, close));
      pos = close + 1;
    } else if (peek() === "?") {
      fail("an unknown group kind");
    }
    const body = alternation();
    if (!eat(")")) fail("an unclosed (");
    return look ? { type: "look", body } : body;
  }

  /** `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each possibly lazy; null when none follows. */
  function quantifier(): { min: number; max: number } | null {
    let q: { min: number; max: number } | null = null;
    if (eat("*")) q = { min: 0, max: Infinity };
    else if (eat("+")) q = { min: 1, max: Infinity };
    else if (eat("?")) q = { min: 0, max: 1 };
    else if (peek() === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(pos));
      if (!m) return fail("a malformed {…} quantifier");
      pos += m[0].length;
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]) };
    }
    if (q) eat("?");
    return q;
  }

  function sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (pos < pattern.length && peek() !== "|" && peek() !== ")") {
      const item = atom();
      const q = quantifier();
      items.push(q ? { type: "repeat", body: item, ...q } : item);
    }
    return items.length === 1 ? items[0] : { type: "seq", items };
  }

  function alternation(): RegexNode {
    const options = [sequence()];
    while (eat("|")) options.push(sequence());
    return options.length === 1 ? options[0] : { type: "alt", options };
  }

  const root = alternation();
  if (pos < pattern.length) fail("an unmatched )");
  return { root, codePoints, namedGroups };
}
