/** Host allow-list patterns for ARM instances: `login.autorabit.com` (exact) or `*.autorabit.com` (one extra DNS label). */

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function isHostname(s: string): boolean {
  return s.length <= 253 && s.split(".").every((label) => LABEL.test(label));
}

export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  if (!p.startsWith("*.")) return h === p;
  const suffix = p.slice(1); // ".autorabit.com"
  if (!h.endsWith(suffix)) return false;
  // Exactly one label in front: no dot, and a valid label (so "evil-autorabit.com" never matches).
  return LABEL.test(h.slice(0, -suffix.length));
}

/**
 * Parses a comma-separated list such as `ARM_ALLOWED_HOSTS`. Throws naming the first bad pattern.
 * A wildcard needs at least two labels after it, so `*.com` cannot open the door to every host.
 */
export function parseHostPatterns(csv: string): string[] {
  const patterns = csv
    .split(",")
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== "");
  if (patterns.length === 0) throw new Error("The ARM host list is empty; give at least one host such as *.autorabit.com.");
  for (const p of patterns) {
    const wildcard = p.startsWith("*.");
    const rest = wildcard ? p.slice(2) : p;
    if (!isHostname(rest) || (wildcard && rest.split(".").length < 2)) {
      throw new Error(
        `"${p}" is not a valid ARM host pattern; use a host name such as login.autorabit.com or a wildcard such as *.autorabit.com.`,
      );
    }
  }
  return [...new Set(patterns)];
}
