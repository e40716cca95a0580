import { z } from 'zod';
import type { Bundle } from './bundle-types';
import { BUNDLE_FORMAT } from './bundle-types';
import type { WireMo } from '../aci/mo';
import { APIC_CLASS_PARSERS, isKnownApicClass, issueMessage, type MoIssue } from '../aci/models';
import { K8S_SCHEMAS } from './k8s-models';

/** Why a bundle was rejected: the JSON path of the first offending value and what would be valid. */
export class BundleError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
    this.name = 'BundleError';
  }
}

type MoBodyShape = { attributes: Record<string, string>; children?: WireMo[] };
const wireMo: z.ZodType<WireMo> = z.lazy(() =>
  z.record(z.string(), moBody).refine((o) => Object.keys(o).length === 1, 'expected an object with exactly one APIC class key'),
);
const moBody: z.ZodType<MoBodyShape> = z.lazy(() =>
  z.object({ attributes: z.record(z.string(), z.string()), children: z.array(wireMo).optional() }),
);

const kubeObject = z.looseObject({ metadata: z.looseObject({ name: z.string() }) });

const bundleShape = z.object({
  format: z.literal(BUNDLE_FORMAT, { error: `expected "${BUNDLE_FORMAT}"` }),
  capturedAt: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time such as 2026-11-25T10:00:00Z' }),
  fabric: z.object({
    tenant: z.string().min(1, 'expected a non-empty tenant name'),
    vrf: z.string().min(1, 'expected a non-empty VRF name'),
    l3out: z.string().optional(),
  }),
  apic: z.record(z.string(), z.array(wireMo)),
  k8s: z.record(z.string(), z.array(kubeObject)),
});

/** Renders a path as `apic.fvCEp[3].fvCEp.attributes.mac`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else {
      const s = String(k);
      out += /^[A-Za-z_$][\w$-]*$/.test(s) ? (out ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** Checks a parsed JSON value against `akb-bundle/v1`; throws BundleError naming the offending path. */
export function validateBundle(value: unknown): Bundle {
  const shape = bundleShape.safeParse(value);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    throw new BundleError(formatPath(issue.path), issueMessage(issue));
  }
  const bundle = shape.data as Bundle;
  for (const [cls, items] of Object.entries(bundle.apic)) {
    if (!isKnownApicClass(cls)) continue;
    const parse = APIC_CLASS_PARSERS[cls];
    for (let i = 0; i < items.length; i++) {
      const body = items[i]![cls];
      const base = ['apic', cls, i, cls];
      if (!body) throw new BundleError(formatPath(['apic', cls, i]), `expected an object with the class key "${cls}"`);
      const issues: MoIssue[] = [];
      parse(body, base, issues);
      if (issues.length > 0) throw new BundleError(formatPath(issues[0]!.path), issues[0]!.message);
    }
  }
  for (const [key, schema] of Object.entries(K8S_SCHEMAS)) {
    const items = bundle.k8s[key] ?? [];
    for (let i = 0; i < items.length; i++) {
      const r = schema.safeParse(items[i]);
      if (!r.success) {
        const issue = r.error.issues[0]!;
        throw new BundleError(formatPath(['k8s', key, i, ...issue.path]), issueMessage(issue));
      }
    }
  }
  return bundle;
}

/** Parses bundle text; truncated or invalid JSON is a BundleError too. */
export function parseBundleJson(text: string): Bundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BundleError('', `bundle is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return validateBundle(value);
}
