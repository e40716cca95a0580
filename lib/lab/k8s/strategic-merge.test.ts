import { describe, expect, it } from 'vitest';
import { strategicMergePatch } from './strategic-merge';

const deployment = {
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'app', image: 'app:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
          { name: 'sidecar', image: 'envoy:1' },
        ],
      },
    },
  },
  metadata: { finalizers: ['a', 'b'] },
};

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, keeping unpatched fields', () => {
    const out = strategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }] }] } } },
    });
    expect(out).toEqual({
      ...deployment,
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:2',
                ports: [{ containerPort: 80 }],
                env: [
                  { name: 'A', value: '1' },
                  { name: 'B', value: '2' },
                ],
              },
              { name: 'sidecar', image: 'envoy:1' },
            ],
          },
        },
      },
    });
  });

  it('honours $patch: delete, $setElementOrder and $deleteFromPrimitiveList', () => {
    const out = strategicMergePatch(deployment, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'new' }, { name: 'app' }],
            containers: [
              { name: 'sidecar', $patch: 'delete' },
              { name: 'new', image: 'new:1' },
            ],
          },
        },
      },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['new', 'app']);
    expect(out.metadata.finalizers).toEqual(['b']);
  });
});
