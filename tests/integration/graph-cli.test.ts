import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAkb } from '../support/akb-cli';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/bundles/${name}.json`, import.meta.url));

// `akb graph` reads no configuration: the environment stays as it is.
const akb = (args: string[], stdin?: string) => runAkb(args, { env: process.env, stdin });

const good = readFileSync(fixture('esxi-lldp'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function mutated(f: (b: any) => void): string {
  const b = JSON.parse(good);
  f(b);
  return JSON.stringify(b);
}

describe('akb graph', () => {
  it('prints the graph of a bundle file and exits 0, byte-identical across runs', async () => {
    const [a, b] = await Promise.all([akb(['graph', fixture('esxi-lldp')]), akb(['graph', fixture('esxi-lldp')])]);
    expect(a.code).toBe(0);
    expect(a.stderr).toBe('');
    expect(JSON.parse(a.stdout)).toMatchObject({ format: 'akb-graph/v1', cluster: { asn: 64512, asnSource: 'calico' } });
    expect(a.stdout).toBe(b.stdout);
  });

  it('reads standard input with -', async () => {
    const r = await akb(['graph', '-'], good);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nodes.length).toBeGreaterThan(5);
  });

  it.each<[string, string, RegExp]>([
    ['truncated JSON', good.slice(0, good.length / 2), /not valid JSON/],
    ['empty input', '', /not valid JSON/],
    ['wrong type', mutated((b) => (b.apic.fvCEp[1].fvCEp.attributes.mac = 7)), /apic\.fvCEp\[1\]\.fvCEp\.attributes\.mac: expected string/],
    ['missing field', mutated((b) => delete b.fabric.tenant), /fabric\.tenant: expected string/],
    [
      'non-IP',
      mutated((b) => (b.apic.bgpPeerEntry[0].bgpPeerEntry.attributes.addr = 'leaf')),
      /apic\.bgpPeerEntry\[0\]\.bgpPeerEntry\.attributes\.addr: expected an IP address/,
    ],
    [
      'gigantic number',
      mutated((b) => (b.apic.fabricNode[1].fabricNode.attributes.id = '1e400')),
      /apic\.fabricNode\[1\]\.fabricNode\.attributes\.id: expected an integer/,
    ],
    ['other format', mutated((b) => (b.format = 'akb-bundle/v9')), /format: expected "akb-bundle\/v1"/],
    ['array instead of object', '[]', /expected object/],
    ['pod IP', mutated((b) => (b.k8s.pods[0].status.podIP = '10.0.0.300')), /k8s\.pods\[0\]\.status\.podIP: expected an IP address/],
  ])('%s → exit 2 naming the path', async (_name, input, message) => {
    const r = await akb(['graph', '-'], input);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('a missing file → exit 2', async () => {
    const r = await akb(['graph', '/nonexistent/bundle.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ENOENT');
  });
});
