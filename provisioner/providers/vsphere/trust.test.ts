import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateSpec } from '../../spec/validate';
import { resolvedOf, workedExampleDoc } from '../../test-support/fixtures';
import { vcenterTrust } from './provider';

/** `cluster.vsphere.tls`: validated in the spec, turned into how the provider verifies vCenter's certificate. */
const dir = mkdtempSync(join(tmpdir(), 'akb-vc-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withTls(tls: unknown) {
  const doc = workedExampleDoc();
  (doc.cluster as { vsphere: Record<string, unknown> }).vsphere.tls = tls;
  return doc;
}

describe('vCenter trust', () => {
  it('defaults to the system trust store, takes a CA file or a pinned thumbprint', () => {
    expect(vcenterTrust(undefined)).toEqual({ kind: 'system' });
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(vcenterTrust({ caFile: join(dir, 'ca.pem') })).toMatchObject({ kind: 'ca' });
    const sha1 = 'ab'.repeat(20);
    expect(vcenterTrust({ thumbprint: sha1 })).toEqual({ kind: 'thumbprint', thumbprint: Array(20).fill('AB').join(':') });
    expect(resolvedOf(withTls({ thumbprint: Array(32).fill('0F').join(':') })).spec.cluster.vsphere?.tls?.thumbprint).toBeDefined();
  });

  it('an unreadable CA file names the field and the file', () => {
    expect(() => vcenterTrust({ caFile: join(dir, 'missing.pem') })).toThrow(
      /cluster\.vsphere\.tls\.caFile: cannot read ".*missing\.pem" \(ENOENT\)/,
    );
  });

  it('the spec refuses a malformed thumbprint and both a CA file and a thumbprint, naming the field', () => {
    const bad = validateSpec(withTls({ thumbprint: 'not-hex' }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.map((p) => `${p.path}: ${p.message}`)).toContain(
      'cluster.vsphere.tls.thumbprint: must be a SHA-1 or SHA-256 certificate thumbprint in hex',
    );
    const both = validateSpec(withTls({ caFile: '/x.pem', thumbprint: 'ab'.repeat(20) }));
    expect(both.ok).toBe(false);
    expect(!both.ok && both.problems.map((p) => `${p.path}: ${p.message}`).join('\n')).toMatch(
      /cluster\.vsphere\.tls.*either caFile or thumbprint, not both/,
    );
  });
});
