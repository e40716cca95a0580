import { describe, expect, it } from 'vitest';
import { BundleError, parseBundleJson, validateBundle } from '../../../lib/topology/bundle';
import { loadFixture } from './fixtures';

const base = () => loadFixture('esxi-lldp') as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function errorOf(f: () => unknown): BundleError {
  try {
    f();
  } catch (err) {
    if (err instanceof BundleError) return err;
    throw err;
  }
  throw new Error('expected a BundleError');
}

describe('akb-bundle/v1 validation', () => {
  it('accepts every fixture', () => {
    expect(validateBundle(base()).fabric).toEqual({ tenant: 'k8s', vrf: 'vrf1' });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each<[string, (b: Record<string, any>) => void, string]>([
    ['wrong attribute type', (b) => (b.apic.fvCEp[1].fvCEp.attributes.mac = 42), 'apic.fvCEp[1].fvCEp.attributes.mac: expected string'],
    [
      'not an IP',
      (b) => (b.apic.fvCEp[0].fvCEp.children[0].fvIp.attributes.addr = '999.1.1.1'),
      'apic.fvCEp[0].fvCEp.children[0].fvIp.attributes.addr: expected an IP address',
    ],
    [
      'gigantic node id',
      (b) => (b.apic.fabricNode[0].fabricNode.attributes.id = '99999999999999999999'),
      'apic.fabricNode[0].fabricNode.attributes.id: expected an integer',
    ],
    ['missing format', (b) => delete b.format, 'format: expected "akb-bundle/v1"'],
    ['missing VRF', (b) => delete b.fabric.vrf, 'fabric.vrf: expected string'],
    ['bad date', (b) => (b.capturedAt = 'yesterday'), 'capturedAt: expected an ISO 8601'],
    [
      'node address',
      (b) => (b.k8s.nodes[0].status.addresses[0].address = 'worker-1'),
      'k8s.nodes[0].status.addresses[0].address: expected an IP address',
    ],
    [
      'two class keys',
      (b) => (b.apic.lldpIf[0].extra = { attributes: {} }),
      'apic.lldpIf[0]: expected an object with exactly one APIC class key',
    ],
    [
      'bad lagT',
      (b) => (b.apic.fabricPathEp[0].fabricPathEp.attributes.lagT = 'bogus'),
      'apic.fabricPathEp[0].fabricPathEp.attributes.lagT: expected one of',
    ],
  ])('%s', (_name, mutate, message) => {
    const b = base();
    mutate(b);
    expect(errorOf(() => validateBundle(b)).message).toContain(message);
  });

  it('rejects truncated JSON without crashing', () => {
    expect(errorOf(() => parseBundleJson('{"format":"akb-bundle/v1","apic":{')).message).toMatch(/^bundle is not valid JSON/);
  });
});
