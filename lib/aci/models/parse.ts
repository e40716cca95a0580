import type { z } from 'zod';
import type { MoBody, WireMo } from '../mo';

/** One problem found while parsing an MO: the JSON path below the MO and what would be valid. */
export interface MoIssue {
  path: (string | number)[];
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: MoIssue[] };

/** Parses `body.attributes` with `schema`, appending issues (with their paths) to `issues`. */
export function parseAttributes<S extends z.ZodType>(
  schema: S,
  body: MoBody,
  path: (string | number)[],
  issues: MoIssue[],
): z.output<S> | null {
  const r = schema.safeParse(body.attributes);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    issues.push({
      path: [...path, 'attributes', ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))],
      message: issueMessage(issue),
    });
  }
  return null;
}

/** Parses every child of class `cls` with `parse`, keeping the valid ones. */
export function parseChildren<T>(
  body: MoBody,
  cls: string,
  parse: (child: MoBody, path: (string | number)[], issues: MoIssue[]) => T | null,
  path: (string | number)[],
  issues: MoIssue[],
): T[] {
  const out: T[] = [];
  (body.children ?? []).forEach((child: WireMo, i) => {
    const childBody = child[cls];
    if (!childBody) return;
    const v = parse(childBody, [...path, 'children', i, cls], issues);
    if (v !== null) out.push(v);
  });
  return out;
}

/** A short message for a zod issue: "expected string" rather than zod's sentence. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  return issue.message;
}

/** Runs a class parser on one wire MO body, returning the value or every issue. */
export function parseMo<T>(parse: (body: MoBody, path: (string | number)[], issues: MoIssue[]) => T | null, body: MoBody): Parsed<T> {
  const issues: MoIssue[] = [];
  const value = parse(body, [], issues);
  return value !== null && issues.length === 0 ? { ok: true, value } : { ok: false, issues };
}
