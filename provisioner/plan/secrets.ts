/**
 * Secrets never enter the plan. Where an output needs one, it carries a placeholder naming the secret,
 * and the applier substitutes the value from the reference at apply time (from memory, never to disk).
 */
export interface SecretUse {
  /** Placeholder name, e.g. "bgp-password". */
  name: string;
  /** Where the value comes from: a spec reference ("env:…", "file:…") or "generated at apply time". */
  source: string;
  /** What uses it, for the summary. */
  usedBy: string;
}

export function secretPlaceholder(name: string): string {
  return `{{akb.secret:${name}}}`;
}

/** Matches every placeholder in a rendered file (to check none is left or to substitute). */
export const SECRET_PLACEHOLDER = /\{\{akb\.secret:([a-z0-9-]+)\}\}/g;

/**
 * Replaces every placeholder in rendered text with its value (at apply time, in memory).
 * Throws, naming the placeholder but never a value, if one has no value.
 */
export function fillSecrets(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(SECRET_PLACEHOLDER, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for secret placeholder "${name}"`);
    return v;
  });
}
