/**
 * Judges whether a user-supplied regular expression can make a backtracking engine (V8's) run for a
 * long time, without running it on any input. Pure; runs in Node and in the browser.
 *
 * A pattern is refused when
 *  - it uses a back-reference (matching with those is NP-hard);
 *  - a group repeated without a small bound holds a quantifier or `|`, as in `(a+)+` or `(a|ab)*`
 *    (exponential: two ways to consume the same text at every repetition);
 *  - two unbounded repetitions can share characters with only shared-character or optional text between
 *    them, as in `\w+\w+` or `\w+\s*\w*` (polynomial: every split of a run of such characters is tried);
 *  - the optional parts and alternatives multiply to more than MAX_PATHS ways through the pattern,
 *    as in `a?a?a?…aaa…` (exponential in the pattern's own length).
 * What remains is a pattern whose work per starting position is linear in the input, so scanning a
 * bounded text (see smart-commits.ts) is bounded. The checks are conservative: a few harmless patterns
 * are refused too, with a message that says how to simplify them.
 */
import { parseRegex, type RegexNode } from "./regex-syntax";

/** Repetitions bounded by at most this many copies are analysed as written out; beyond, as loops. */
const EXPAND_LIMIT = 10;
const MAX_PATHS = 256;
/** Nested bounded repetitions multiply; analysis stops (and refuses) past this many automaton edges. */
const MAX_EDGES = 20_000;

/** Characters that stand for the rest of Unicode, beside ASCII and the code points the pattern names. */
const SAMPLES = [
  0x00a0, 0x00e9, 0x00c9, 0x00df, 0x0130, 0x03b1, 0x0416, 0x0436, 0x05d0, 0x0627, 0x0660, 0x0915, 0x0e01, 0x2028, 0x2163, 0x3000, 0x3042,
  0x4e2d, 0xac00, 0xff10, 0xff21, 0x1f600, 0x10400, 0x1d400, 0xfffd, 0x200b, 0x0301,
];

export type SafetyVerdict = { safe: true } | { safe: false; reason: string };

class Refusal extends Error {}

/** Sets of characters as bitmasks over classes of characters that every atom of the pattern treats alike. */
function characterSets(atoms: string[], codePoints: number[]): Map<string, bigint> {
  const universe = [...new Set([...Array.from({ length: 128 }, (_, i) => i), ...SAMPLES, ...codePoints])].map((cp) => String.fromCodePoint(cp));
  const tests = atoms.map((source) => new RegExp(`^(?:${source})$`, "u"));
  const classOf = new Map<string, number>();
  const sets = atoms.map(() => 0n);
  for (const ch of universe) {
    const membership = tests.map((re) => re.test(ch));
    const signature = membership.map(Number).join("");
    if (!classOf.has(signature)) classOf.set(signature, classOf.size);
    const bit = 1n << BigInt(classOf.get(signature)!);
    membership.forEach((member, i) => {
      if (member) sets[i] |= bit;
    });
  }
  return new Map(atoms.map((source, i) => [source, sets[i]]));
}

function atomsOf(node: RegexNode, into: Set<string>): Set<string> {
  if (node.type === "char") into.add(node.source);
  else if (node.type === "look" || node.type === "repeat") atomsOf(node.body, into);
  else if (node.type === "seq") node.items.forEach((n) => atomsOf(n, into));
  else if (node.type === "alt") node.options.forEach((n) => atomsOf(n, into));
  return into;
}

const isLoop = (node: RegexNode) => node.type === "repeat" && node.max > EXPAND_LIMIT;

function containsChoice(node: RegexNode): boolean {
  if (node.type === "repeat" || node.type === "alt" || node.type === "backref") return true;
  if (node.type === "look") return containsChoice(node.body);
  return node.type === "seq" && node.items.some(containsChoice);
}

/** Back-references anywhere, and choices inside loops. */
function checkStructure(node: RegexNode): void {
  switch (node.type) {
    case "backref":
      throw new Refusal("Back-references (\\1, \\k<name>) are not allowed: they can make matching very slow.");
    case "repeat":
      if (isLoop(node) && containsChoice(node.body)) {
        throw new Refusal("A repeated group cannot contain another repetition or |, as in (a+)+: matching could take forever.");
      }
      return checkStructure(node.body);
    case "look":
      return checkStructure(node.body);
    case "seq":
      return node.items.forEach(checkStructure);
    case "alt":
      return node.options.forEach(checkStructure);
  }
}

function nullable(node: RegexNode): boolean {
  switch (node.type) {
    case "char":
      return false;
    case "seq":
      return node.items.every(nullable);
    case "alt":
      return node.options.some(nullable);
    case "repeat":
      return node.min === 0 || nullable(node.body);
    default:
      return true;
  }
}

/** Ways through the pattern when optional parts and alternatives combine freely; capped at MAX_PATHS + 1. */
function paths(node: RegexNode): number {
  const cap = (n: number) => Math.min(n, MAX_PATHS + 1);
  switch (node.type) {
    case "seq":
      return node.items.reduce((product, item) => cap(product * paths(item)), 1);
    case "alt":
      return node.options.reduce((sum, option) => cap(sum + paths(option)), 0);
    case "look":
      return paths(node.body);
    case "repeat": {
      if (isLoop(node)) return 1; // a loop's body has no choices (checkStructure); its own cost is linear
      const body = paths(node.body);
      let total = 0;
      for (let k = node.min; k <= node.max; k++) total = cap(total + cap(body ** k));
      return total;
    }
    default:
      return 1;
  }
}

interface Loop {
  entry: number;
  exit: number;
  chars: bigint;
}

/** A Thompson automaton of the pattern over character classes, recording every loop. */
class Automaton {
  /** Per state: the states reached without reading, and the edges that read one character. */
  private readonly eps: number[][] = [];
  private readonly out: { to: number; chars: bigint }[][] = [];
  private size = 0;
  readonly loops: Loop[] = [];

  constructor(private readonly sets: Map<string, bigint>) {}

  state(): number {
    this.eps.push([]);
    this.out.push([]);
    return this.eps.length - 1;
  }

  private link(from: number, to: number): void {
    this.eps[from].push(to);
    this.size++;
  }

  private read(from: number, chars: bigint): number {
    const to = this.state();
    this.out[from].push({ to, chars });
    this.size++;
    return to;
  }

  /** Adds `node` starting at state `from`; returns the state where it ends. */
  build(node: RegexNode, from: number): number {
    if (this.size > MAX_EDGES) throw new Refusal("The pattern is too complex; make it shorter or simpler.");
    switch (node.type) {
      case "char":
        return this.read(from, this.sets.get(node.source)!);
      case "seq":
        return node.items.reduce((at, item) => this.build(item, at), from);
      case "alt": {
        const to = this.state();
        for (const option of node.options) this.link(this.build(option, from), to);
        return to;
      }
      case "look":
        this.build(node.body, this.state()); // zero-width: a separate fragment, never on the way through
        return from;
      case "repeat":
        return isLoop(node) ? this.loop(node, from) : this.expand(node, from);
      default:
        return from;
    }
  }

  private expand(node: Extract<RegexNode, { type: "repeat" }>, from: number): number {
    let at = from;
    for (let i = 0; i < node.min; i++) at = this.build(node.body, at);
    const to = this.state();
    this.link(at, to);
    for (let i = node.min; i < node.max; i++) {
      at = this.build(node.body, at);
      this.link(at, to);
    }
    return to;
  }

  private loop(node: Extract<RegexNode, { type: "repeat" }>, from: number): number {
    const entry = this.state();
    this.link(from, entry);
    const firstState = this.out.length;
    const exit = this.build(node.body, entry);
    this.link(exit, entry);
    const to = this.state();
    this.link(exit, to);
    if (node.min === 0) this.link(from, to);
    const bodyEdges = [entry, ...Array.from({ length: to - firstState }, (_, i) => firstState + i)].flatMap((s) => this.out[s]);
    this.loops.push({ entry, exit, chars: bodyEdges.reduce((all, e) => all | e.chars, 0n) });
    return to;
  }

  /** Whether `to` can be reached from `from` reading only characters in `shared` (or nothing). */
  reaches(from: number, to: number, shared: bigint): boolean {
    const seen = new Set([from]);
    const queue = [from];
    while (queue.length) {
      const at = queue.pop()!;
      if (at === to) return true;
      const next = [...this.eps[at], ...this.out[at].filter((e) => (e.chars & shared) !== 0n).map((e) => e.to)];
      for (const n of next) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
    return false;
  }
}

function checkLoopPairs(root: RegexNode, sets: Map<string, bigint>): void {
  const automaton = new Automaton(sets);
  automaton.build(root, automaton.state());
  for (const a of automaton.loops) {
    for (const b of automaton.loops) {
      const shared = a.chars & b.chars;
      if (a !== b && shared !== 0n && automaton.reaches(a.exit, b.entry, shared)) {
        throw new Refusal(
          "Two repetitions in a row can match the same characters (as in \\w+\\w+ or [A-Z]+-?[A-Z]+): matching could become very slow. Separate them with a character only one of them can match.",
        );
      }
    }
  }
}

/**
 * Whether `pattern` (which must already compile with `new RegExp(pattern, "u")`) is fit to run on
 * untrusted text: safe for a backtracking engine, and never matching an empty text (an empty match is no key).
 */
export function judgeRegex(pattern: string): SafetyVerdict {
  try {
    const { root, codePoints } = parseRegex(pattern);
    if (nullable(root)) throw new Refusal("The pattern can match an empty text; it must match at least one character of a story key.");
    checkStructure(root);
    if (paths(root) > MAX_PATHS) {
      throw new Refusal(`The optional parts and alternatives combine in more than ${MAX_PATHS} ways; simplify the pattern.`);
    }
    checkLoopPairs(root, characterSets([...atomsOf(root, new Set())], codePoints));
    return { safe: true };
  } catch (err) {
    if (err instanceof Refusal) return { safe: false, reason: err.message };
    return { safe: false, reason: "The pattern uses a construct the app cannot check; simplify it." };
  }
}
