import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { validateSpec, type ValidationResult } from '../spec/validate';
import type { ResolvedSpec } from '../spec/defaults';

export const WORKED_EXAMPLE = fileURLToPath(new URL('../../tests/fixtures/specs/nkt-dual-stack.yaml', import.meta.url));

/** The worked example (NKT.md §2.4) as a plain, mutable document. */
export function workedExampleDoc(): Record<string, unknown> & { fabric: Record<string, unknown>; cluster: Record<string, unknown> } {
  return parse(readFileSync(WORKED_EXAMPLE, 'utf8'));
}

/** Validates a document that the test expects to be valid. */
export function resolvedOf(doc: unknown): ResolvedSpec {
  const r: ValidationResult = validateSpec(doc);
  if (!r.ok) throw new Error(`expected a valid spec:\n${r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return r.resolved;
}
