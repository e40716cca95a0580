/**
 * Deterministic identifiers: every uid, name suffix and MAC is a hash of the scenario seed and the
 * object's identity, so the same scenario always derives byte-identical objects.
 */

/** 32-bit FNV-1a over a string, mixed with a seed. */
export function hash32(seed: number, ...parts: (string | number)[]): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix) so nearby inputs give unrelated outputs
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** An RFC 4122-shaped (version 4 bits set) uid. */
export function stableUid(seed: number, ...parts: (string | number)[]): string {
  const a = hex8(hash32(seed, 'a', ...parts));
  const b = hex8(hash32(seed, 'b', ...parts));
  const c = hex8(hash32(seed, 'c', ...parts));
  const d = hex8(hash32(seed, 'd', ...parts));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0]!, 16) & 3) | 8).toString(16)}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** Kubernetes' name-suffix alphabet (no vowels, no 0/1/3 to avoid words and look-alikes). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function nameSuffix(length: number, seed: number, ...parts: (string | number)[]): string {
  let out = '';
  let h = hash32(seed, ...parts);
  for (let i = 0; i < length; i++) {
    if (i > 0 && i % 6 === 0) h = hash32(h, ...parts, i);
    out += SUFFIX_ALPHABET[h % SUFFIX_ALPHABET.length];
    h = Math.floor(h / SUFFIX_ALPHABET.length);
  }
  return out;
}

/** An upper-case MAC (APIC's spelling) under the given OUI, e.g. `00:50:56` for VMware VMs. */
export function stableMac(oui: string, seed: number, ...parts: (string | number)[]): string {
  const h = hash32(seed, 'mac', ...parts);
  const tail = [(h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff].map((b) => b.toString(16).padStart(2, '0'));
  return `${oui}:${tail.join(':')}`.toUpperCase();
}

/** A Cisco-style serial number, e.g. FDO23451ABC. */
export function stableSerial(prefix: string, seed: number, ...parts: (string | number)[]): string {
  const h = hash32(seed, 'serial', ...parts);
  return `${prefix}${(2000 + (h % 8000)).toString()}${(h >>> 13).toString(36).toUpperCase().padStart(4, 'X').slice(0, 4)}`;
}
