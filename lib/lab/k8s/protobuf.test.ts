import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, encodeProtobufObject, goDuration } from './protobuf';

describe('Kubernetes protobuf request bodies', () => {
  it('decodes a Deployment as its JSON form: omitempty zeros dropped, pointer zeros, quantities and int-or-strings kept', () => {
    const body = encodeProtobufObject('apps/v1', 'Deployment', {
      metadata: { name: 'web', namespace: '', generateName: '', labels: { app: 'web' }, creationTimestamp: {} },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: {},
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.27',
                ports: [{ containerPort: 80, protocol: '' }],
                resources: { limits: { cpu: { string: '500m' } } },
                livenessProbe: { handler: { httpGet: { port: { type: 1, strVal: 'http' } } }, periodSeconds: 5 },
                securityContext: { runAsUser: 0 },
              },
            ],
          },
        },
      },
      status: {},
    });
    expect(decodeProtobufObject(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: {},
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.27',
                ports: [{ containerPort: 80 }],
                resources: { limits: { cpu: '500m' } },
                livenessProbe: { httpGet: { port: 'http' }, periodSeconds: 5 },
                securityContext: { runAsUser: 0 },
              },
            ],
          },
        },
      },
      status: {},
    });
  });

  it('keeps Secret data as base64 and times as RFC 3339', () => {
    const body = encodeProtobufObject('v1', 'Secret', {
      metadata: { name: 's', creationTimestamp: { seconds: 1767225600 } },
      type: 'Opaque',
      data: { password: Buffer.from('s3cret') },
    });
    expect(decodeProtobufObject(body)).toMatchObject({
      kind: 'Secret',
      metadata: { name: 's', creationTimestamp: '2026-01-01T00:00:00Z' },
      type: 'Opaque',
      data: { password: Buffer.from('s3cret').toString('base64') },
    });
  });

  it('refuses a body without the magic, and kinds it has no schema for with 415', () => {
    expect(() => decodeProtobufObject(Buffer.from('{"kind":"Pod"}'))).toThrow(/magic/);
    // runtime.Unknown{typeMeta: {apiVersion: crd.projectcalico.org/v1, kind: BGPPeer}}: custom resources are JSON only.
    const envelope = protobuf.Writer.create()
      .uint32(10)
      .fork()
      .uint32(10)
      .string('crd.projectcalico.org/v1')
      .uint32(18)
      .string('BGPPeer')
      .ldelim();
    const crd = Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope.finish()]);
    expect(() => decodeProtobufObject(crd)).toThrow(
      expect.objectContaining({ code: 415, message: expect.stringContaining('Kind=BGPPeer') }),
    );
  });

  it('formats durations as Go does', () => {
    expect([0, 1.5e9, 3.6e12 + 2 * 6e10 + 3e9, 3e8].map(goDuration)).toEqual(['0s', '1.5s', '1h2m3s', '300ms']);
  });
});
