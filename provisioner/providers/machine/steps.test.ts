import { describe, expect, it } from 'vitest';
import { resolvedOf, workedExampleDoc } from '../../test-support/fixtures';
import { MachineError, type MachineObservation, type MachineProvider } from '../machines';
import { MachineStep } from './steps';

/** What a machine step plans from what the machine shows (the provider is a double of the port: no I/O). */
const r = resolvedOf(workedExampleDoc());
const vmNode = r.spec.cluster.nodes.find((n) => n.placement.type === 'vsphere')!;
const hostNode = { ...vmNode, placement: { type: 'bare-metal' as const, sshHost: '192.168.35.9', sshUser: 'ubuntu', sshPort: 22 } };

const seen = (o: Partial<MachineObservation>): MachineObservation => ({
  node: vmNode.name,
  exists: true,
  createdByAkb: true,
  bootstrap: { state: 'succeeded', phasesDone: [] },
  scrubbed: true,
  ...o,
});

function step(node = vmNode) {
  const provider = { placement: node.placement.type } as unknown as MachineProvider;
  const bootstrap = () => ({
    userData: '',
    metadata: '',
    files: [],
    script: '/s',
    phases: ['system', 'kubeadm', 'finish'],
    sentinel: '/ok',
  });
  return new MachineStep({ cluster: 'c', node, provider, bootstrap, dependsOn: [], timeoutMs: 1000 });
}

describe('machine:<node> diff', () => {
  it('nothing to do for a bootstrapped, scrubbed machine', () => {
    expect(step().diff(seen({}))).toEqual([]);
  });

  it('a missing VM is cloned and bootstrapped; a half-bootstrapped one runs only the phases left', () => {
    expect(
      step().diff(seen({ exists: false, createdByAkb: false, bootstrap: { state: 'not-started', phasesDone: [] }, scrubbed: false })),
    ).toEqual([
      expect.objectContaining({ action: 'create', target: `VM ${vmNode.name}` }),
      expect.objectContaining({ note: 'bootstrap: system, kubeadm, finish' }),
      expect.objectContaining({ note: 'remove the bootstrap secrets from the machine' }),
    ]);
    expect(step().diff(seen({ bootstrap: { state: 'running', phasesDone: ['system'] }, scrubbed: false }))[0]).toMatchObject({
      note: 'bootstrap: kubeadm, finish',
    });
  });

  it('a VM of the node’s name that akb did not create is refused, naming the node', () => {
    expect(() => step().diff(seen({ createdByAkb: false }))).toThrow(MachineError);
    expect(() => step().diff(seen({ createdByAkb: false }))).toThrow(
      `node ${vmNode.name}: a VM of this name exists that akb did not create`,
    );
  });

  it('an unreachable bare-metal host fails the step naming it', () => {
    expect(() => step(hostNode).diff(seen({ exists: false }))).toThrow(`node ${vmNode.name}: host ubuntu@192.168.35.9:22 is not reachable`);
  });
});
