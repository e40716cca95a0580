import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, fingerprintOf, keyTypeOf } from './host-keys';

/** An SSH key blob: string "ssh-ed25519" then the 32-byte key, each length-prefixed. */
function blob(type = 'ssh-ed25519'): Buffer {
  const part = (b: Buffer) => Buffer.concat([Buffer.alloc(4, 0).fill(0), b]).fill(b.length, 3, 4);
  return Buffer.concat([part(Buffer.from(type)), part(randomBytes(32))]);
}
const b64 = (b: Buffer) => b.toString('base64');
const id = { node: 'worker-5', host: '192.168.35.25', port: 2222 };

describe('host key pinning', () => {
  const key = blob();
  const other = blob();
  it('reads the key type and fingerprints as ssh-keygen does (SHA256, unpadded base64)', () => {
    expect(keyTypeOf(key)).toBe('ssh-ed25519');
    expect(fingerprintOf(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('a non-22 port is named [host]:port in known_hosts; the bare host does not match it', () => {
    const at = (names: string) => ({ knownHosts: { path: 'kh', text: `${names} ssh-ed25519 ${b64(key)}\n` } });
    expect(checkHostKey(id, key, at('[192.168.35.25]:2222')).trusted).toBe(true);
    expect(checkHostKey(id, key, at('192.168.35.25'))).toMatchObject({ trusted: false, reason: expect.stringContaining('is unknown') });
    expect(checkHostKey(id, key, at('[192.168.35.*]:2222,!10.0.0.1')).trusted).toBe(true);
    expect(checkHostKey(id, key, at('[192.168.35.*]:2222,![192.168.35.25]:2222')).trusted).toBe(false);
  });

  it('hashed entries match by HMAC-SHA1 of the name', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[192.168.35.25]:2222').digest('base64');
    expect(checkHostKey(id, key, { knownHosts: { path: 'kh', text: `|1|${b64(salt)}|${hash} ssh-ed25519 ${b64(key)}` } }).trusted).toBe(
      true,
    );
  });

  it('@revoked wins over a plain entry; a different key under the name is a changed key', () => {
    const text = `@revoked [192.168.35.25]:2222 ssh-ed25519 ${b64(key)}\n[192.168.35.25]:2222 ssh-ed25519 ${b64(key)}\n`;
    expect(checkHostKey(id, key, { knownHosts: { path: 'kh', text } })).toMatchObject({ reason: expect.stringContaining('@revoked') });
    const changed = checkHostKey(id, key, { knownHosts: { path: 'kh', text: `[192.168.35.25]:2222 ssh-ed25519 ${b64(other)}` } });
    expect(changed).toMatchObject({
      trusted: false,
      reason: expect.stringContaining(`expected ${fingerprintOf(other)}, got ${fingerprintOf(key)}`),
    });
  });

  it('nothing pinned is unknown, never trusted', () => {
    expect(checkHostKey(id, key, {})).toMatchObject({ trusted: false, reason: expect.stringContaining('pin it with placement.hostKey') });
  });
});
