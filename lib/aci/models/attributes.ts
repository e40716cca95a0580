import { z } from 'zod';
import { canonicalCidr, canonicalIp } from '../../net/ip';

/**
 * zod types for APIC attribute strings. Every wire attribute is a string; these check the string's
 * content and turn it into a typed value, so parsing happens once, at the model boundary.
 */

/** Canonical text of an IP (IPv4-mapped IPv6 becomes IPv4; IPv6 in RFC 5952 form), or null. */
export const normaliseIp = canonicalIp;

/** Canonical `ip/len` of a CIDR string, or null. */
export const normaliseCidr = canonicalCidr;

/** An IP with an optional `/len` (APIC next hops carry `/32`), normalised to the bare address. */
export const ipAttr = z.string().transform((s, ctx) => {
  const ip = normaliseIp(s.includes('/') ? s.slice(0, s.indexOf('/')) : s);
  if (ip === null) {
    ctx.addIssue({ code: 'custom', message: `expected an IP address, got ${JSON.stringify(s.slice(0, 64))}` });
    return z.NEVER;
  }
  return ip;
});

/** An IP, or the empty string / `0.0.0.0` that the APIC uses for "none" (→ null). */
export const optionalIpAttr = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (s === undefined || s === '' || s === '0.0.0.0' || s === '::') return null;
    const ip = normaliseIp(s.includes('/') ? s.slice(0, s.indexOf('/')) : s);
    if (ip === null) {
      ctx.addIssue({ code: 'custom', message: `expected an IP address or "", got ${JSON.stringify(s.slice(0, 64))}` });
      return z.NEVER;
    }
    return ip;
  });

export const cidrAttr = z.string().transform((s, ctx) => {
  const cidr = normaliseCidr(s);
  if (cidr === null) {
    ctx.addIssue({ code: 'custom', message: `expected a CIDR prefix like 10.0.0.0/16, got ${JSON.stringify(s.slice(0, 64))}` });
    return z.NEVER;
  }
  return cidr;
});

/** A decimal integer string within [min, max]. */
export function intAttr(min: number, max: number) {
  return z.string().transform((s, ctx) => {
    const n = /^\d{1,16}$/.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected an integer from ${min} to ${max}, got ${JSON.stringify(s.slice(0, 64))}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A fabric node id (APIC: 1–16000; leaves and spines are ≥ 101). */
export const nodeIdAttr = intAttr(1, 16000);

/** A timestamp: ISO 8601 → epoch milliseconds; `never`, `""` and unparsable values → null. */
export const timestampAttr = z
  .string()
  .optional()
  .transform((s) => {
    if (!s || s === 'never') return null;
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? null : ms;
  });

/** A MAC address, upper-cased as the APIC writes it. */
export const macAttr = z.string().transform((s, ctx) => {
  if (!/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(s)) {
    ctx.addIssue({ code: 'custom', message: `expected a MAC address like 00:50:56:AA:BB:CC, got ${JSON.stringify(s.slice(0, 64))}` });
    return z.NEVER;
  }
  return s.toUpperCase();
});

/** `up`/`down` style operational state → boolean. */
export const upAttr = z
  .string()
  .optional()
  .transform((s) => s === 'up');

export const textAttr = z
  .string()
  .optional()
  .transform((s) => s ?? '');
