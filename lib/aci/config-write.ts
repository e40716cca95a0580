import { z } from 'zod';
import type { MoBody, WireMo } from './mo';

/**
 * Configuration writes (WIRE.md A3): `POST /api/mo/<dn>.json` with a nested payload whose root is the MO named by
 * the URL, and `DELETE /api/mo/<dn>.json`. Payloads are validated and re-serialised with `attributes` before
 * `children`, because APIC rejects a body where children come first.
 */

export type MoStatus = 'created' | 'modified' | 'created,modified' | 'deleted';

const wireMoSchema: z.ZodType<WireMo> = z.lazy(() =>
  z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'class name must be letters and digits'),
      z.object({ attributes: z.record(z.string(), z.string()), children: z.array(wireMoSchema).optional() }),
    )
    .refine((o) => Object.keys(o).length === 1, 'an MO must have exactly one class key'),
);

/** Validates a payload, naming the path of the first bad field. */
export function checkPayload(payload: unknown): WireMo {
  const parsed = wireMoSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`config payload invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Rebuilds an MO so `attributes` is serialised before `children` at every level. */
function ordered(mo: WireMo): WireMo {
  const out: WireMo = {};
  for (const [cls, body] of Object.entries(mo)) {
    const b: MoBody = { attributes: body.attributes };
    if (body.children && body.children.length > 0) b.children = body.children.map(ordered);
    out[cls] = b;
  }
  return out;
}

export function serialisePayload(payload: WireMo): string {
  return JSON.stringify(ordered(checkPayload(payload)));
}

export function moPath(dn: string): string {
  if (dn.length === 0 || dn.startsWith('/') || /[\s?#]/.test(dn)) {
    throw new TypeError(`dn "${dn}" must be a non-empty APIC DN without leading "/", whitespace, "?" or "#"`);
  }
  return `/api/mo/${dn}.json`;
}

/** A deletion expressed as a POST payload (the alternative to DELETE, WIRE.md A3). */
export function deletionPayload(className: string, dn: string): WireMo {
  return { [className]: { attributes: { dn, status: 'deleted' } } };
}
