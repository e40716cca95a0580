import { describe, expect, it } from 'vitest';
import { wireMo } from '../../aci/mo';
import type { Bundle } from '../../topology/bundle-types';
import { REDACTED, redactArgs, redactBundle } from './redact-bundle';

const SECRET = 'hunter2-hunter2';

function bundleWithSecrets(): Bundle {
  return {
    format: 'akb-bundle/v1',
    capturedAt: '2026-01-01T00:00:00.000Z',
    fabric: { tenant: 'k8s', vrf: 'vrf1' },
    apic: {
      bgpPeer: [
        wireMo(
          'bgpPeer',
          { dn: 'topology/pod-1/node-101/sys/bgp/inst/dom-k8s:vrf1/peer-[10.0.0.1/32]', addr: '10.0.0.1/32', password: SECRET },
          [wireMo('bgpPeerEntry', { dn: 'x', operSt: 'established', key: SECRET })],
        ),
      ],
    },
    k8s: {
      secrets: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's', namespace: 'default' },
          data: { password: Buffer.from(SECRET).toString('base64') },
          stringData: { token: SECRET },
        },
      ],
      pods: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'p',
            namespace: 'default',
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"env":"${SECRET}"}`, keep: 'me' },
          },
          spec: {
            nodeName: 'worker-1',
            containers: [
              {
                name: 'c',
                env: [
                  { name: 'DB_PASSWORD', value: SECRET },
                  { name: 'MODE', value: 'fast' },
                ],
                args: [`--api-key=${SECRET}`, '--token', SECRET, '--port', '80'],
              },
            ],
          },
        },
      ],
      daemonsets: [
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'kube-router', namespace: 'kube-system' },
          spec: {
            template: {
              spec: { containers: [{ name: 'kube-router', args: ['--cluster-asn=64512', `--peer-router-passwords=${SECRET}`] }] },
            },
          },
        },
      ],
    },
  };
}

describe('redactBundle', () => {
  it('leaves no credential anywhere and keeps everything the correlator reads', () => {
    const original = bundleWithSecrets();
    const safe = redactBundle(original);
    const text = JSON.stringify(safe);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(safe.k8s.secrets?.[0]).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' } });
    const pod = safe.k8s.pods?.[0] as unknown as {
      metadata: { annotations: Record<string, string> };
      spec: { nodeName: string; containers: { env: unknown; args: unknown }[] };
    };
    expect(pod.metadata.annotations).toEqual({ keep: 'me' });
    expect(pod.spec.nodeName).toBe('worker-1');
    expect(pod.spec.containers[0]?.env).toEqual([
      { name: 'DB_PASSWORD', value: REDACTED },
      { name: 'MODE', value: 'fast' },
    ]);
    expect(pod.spec.containers[0]?.args).toEqual([`--api-key=${REDACTED}`, '--token', REDACTED, '--port', '80']);
    expect(text).toContain('--cluster-asn=64512');
    expect(safe.apic.bgpPeer?.[0]?.bgpPeer?.attributes).toMatchObject({ addr: '10.0.0.1/32', password: REDACTED });
    expect(safe.apic.bgpPeer?.[0]?.bgpPeer?.children?.[0]?.bgpPeerEntry?.attributes).toMatchObject({
      operSt: 'established',
      key: REDACTED,
    });
  });

  it('does not modify the bundle it was given (the live snapshot)', () => {
    const original = bundleWithSecrets();
    const before = JSON.stringify(original);
    redactBundle(original);
    expect(JSON.stringify(original)).toBe(before);
  });

  it('redactArgs keeps ordinary flags and values', () => {
    expect(redactArgs(['--v=2', '--kubeconfig', '/k', '-p', '5', 7])).toEqual(['--v=2', '--kubeconfig', '/k', '-p', '5', 7]);
    expect(redactArgs(['--password', '--next'])).toEqual(['--password', '--next']);
  });
});
