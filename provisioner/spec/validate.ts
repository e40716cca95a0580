import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { specSchema, type Spec } from './schema';
import { formatPath, ProblemList, type Problem } from './problems';
import { checkAddressing, checkAddressSyntax } from './validate-addresses';
import { checkTopology } from './validate-topology';
import { defaultSubnets, resolveSpec, type ResolvedSpec } from './defaults';
import { formatCidr, parseCidr } from '../../lib/net/ip';

export type ValidationResult = { ok: true; resolved: ResolvedSpec } | { ok: false; problems: Problem[] };

function zodProblems(error: z.ZodError): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_union' && issue.path.at(-1) === 'placement') {
      out.push({
        path: formatPath(issue.path),
        message: 'must be {type: vsphere, template, …}, {type: bare-metal, sshHost, …} or {type: existing}',
      });
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
}

/** Defaults that would run past the end of the address space cannot be derived: say which. */
function checkDerivable(spec: Spec, out: ProblemList): void {
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const text = spec.fabric.nodeSubnet[fam];
    const node = text === undefined ? undefined : parseCidr(text);
    if (!node) continue;
    const d = defaultSubnets(node);
    const given = {
      pod: spec.cluster.podSubnet?.[fam],
      service: spec.cluster.serviceSubnet?.[fam],
      external: spec.cluster.externalServiceSubnet?.[fam],
    };
    const paths = { pod: 'podSubnet', service: 'serviceSubnet', external: 'externalServiceSubnet' } as const;
    for (const k of ['pod', 'service', 'external'] as const) {
      if (given[k] === undefined && d[k] === undefined) {
        out.add(`cluster.${paths[k]}.${fam}`, `cannot be derived: no free subnet after ${formatCidr(node)}; give it explicitly`);
      }
    }
  }
}

/**
 * Validates a parsed document (from YAML or JSON) and resolves its defaults.
 * Every problem found is returned at once, each naming its field path.
 */
export function validateSpec(input: unknown): ValidationResult {
  const parsed = specSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  const spec = parsed.data;
  const out = new ProblemList();
  checkTopology(spec, out);
  const syntaxOk = checkAddressSyntax(spec, out);
  if (syntaxOk) {
    const before = out.items.length;
    checkDerivable(spec, out);
    if (out.items.length === before) checkAddressing(resolveSpec(spec), out);
  }
  if (out.items.length > 0) return { ok: false, problems: out.items };
  return { ok: true, resolved: resolveSpec(spec) };
}

/** Parses spec text (YAML, of which JSON is a subset) and validates it. */
export function validateSpecText(text: string): ValidationResult {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    return {
      ok: false,
      problems: [{ path: '(root)', message: `not valid YAML/JSON: ${err instanceof Error ? err.message : String(err)}` }],
    };
  }
  return validateSpec(doc);
}
