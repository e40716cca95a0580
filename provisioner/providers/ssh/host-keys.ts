import { createHash, createHmac } from 'node:crypto';

/**
 * Host-key pinning for bare-metal hosts. A host is trusted only when its key matches a fingerprint pinned in
 * the spec or an entry of a known_hosts file; an unknown key and a changed key are both refused, each with an
 * error that says which it is and what to do. Nothing is ever accepted on first use: that is the habit people
 * regret (a spoofed host would receive the cluster's CA keys).
 */

export interface HostKeyPolicy {
  /** `SHA256:<base64>` as `ssh-keygen -lf` prints it. */
  fingerprint?: string;
  /** Path of a known_hosts file, and its text (read by the caller). */
  knownHosts?: { path: string; text: string };
}

export interface HostIdentity {
  node: string;
  host: string;
  port: number;
}

/** OpenSSH's fingerprint of a key blob: SHA-256, base64 without padding. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH key blob (string length-prefixed). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

interface KnownHostLine {
  marker?: '@revoked' | '@cert-authority';
  patterns: string;
  keyBlob: Buffer;
}

function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostLine['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostLine['marker'];
    const [patterns, , b64] = fields;
    if (!patterns || !b64) continue;
    out.push({ ...(marker ? { marker } : {}), patterns, keyBlob: Buffer.from(b64, 'base64') });
  }
  return out;
}

/** known_hosts names a host on port 22 as `host`, on another port as `[host]:port`. */
const hostName = (host: string, port: number) => (port === 22 ? host : `[${host}]:${port}`);

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

/** One comma-separated patterns field: hashed (`|1|salt|hmac`), plain or glob, with `!` negation. */
function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

const keyFileName = (type: string) => (type.startsWith('ecdsa') ? 'ecdsa' : type.replace(/^ssh-/, ''));

export type HostKeyVerdict = { trusted: true } | { trusted: false; reason: string };

/** Decides whether `keyBlob`, presented by the host, is the one pinned for it. */
export function checkHostKey(id: HostIdentity, keyBlob: Buffer, policy: HostKeyPolicy): HostKeyVerdict {
  const got = fingerprintOf(keyBlob);
  const type = keyTypeOf(keyBlob);
  const where = `${id.node} (${id.host}:${id.port})`;
  const changed = (expected: string, source: string) => ({
    trusted: false as const,
    reason:
      `host key of ${where} does not match ${source}: expected ${expected}, got ${got} (${type}). ` +
      'The host may have been reinstalled, or something is intercepting the connection; check the key out of band before changing the pin',
  });
  if (policy.fingerprint !== undefined) {
    if (policy.fingerprint.replace(/=+$/, '') === got) return { trusted: true };
    return changed(policy.fingerprint, 'the fingerprint pinned in the spec');
  }
  if (policy.knownHosts) {
    const name = hostName(id.host, id.port);
    const lines = parseKnownHosts(policy.knownHosts.text).filter((l) => patternsMatch(l.patterns, name));
    if (lines.some((l) => l.marker === '@revoked' && l.keyBlob.equals(keyBlob)))
      return { trusted: false, reason: `host key of ${where} (${got}) is marked @revoked in ${policy.knownHosts.path}` };
    const plain = lines.filter((l) => l.marker === undefined);
    if (plain.some((l) => l.keyBlob.equals(keyBlob))) return { trusted: true };
    if (plain.length > 0) return changed(plain.map((l) => fingerprintOf(l.keyBlob)).join(' or '), `${policy.knownHosts.path}`);
  }
  const sources = [
    policy.knownHosts ? `an entry for ${hostName(id.host, id.port)} in ${policy.knownHosts.path}` : undefined,
    'placement.hostKey in the spec',
  ]
    .filter(Boolean)
    .join(' or ');
  return {
    trusted: false,
    reason: `host key of ${where} is unknown: it presents ${got} (${type}). Verify it on the host (ssh-keygen -lf /etc/ssh/ssh_host_${keyFileName(type)}_key.pub) and pin it with ${sources}`,
  };
}
