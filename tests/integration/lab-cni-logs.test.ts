import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../lib/lab';
import { waitFor } from '../support/wait';
import { cleanup, startTestLab } from './lab-runtime-support';

/**
 * Each CNI's pod logs its BGP session to a leaf going down in its own daemon's format (read through pods/log, as
 * `kubectl logs` does): Calico's BIRD protocol lines, kube-router's and Cilium's embedded GoBGP "Peer Down".
 */
afterEach(cleanup);

async function logOf(lab: Lab, label: string, node: string): Promise<string> {
  const pods = lab.k8s.store.list('pods', { labelSelector: `k8s-app=${label}`, fieldSelector: `spec.nodeName=${node}` }).items;
  const pod = pods[0]!;
  const container = (pod.spec as { containers: { name: string }[] }).containers[0]!.name;
  const res = await fetch(
    `${lab.k8s.url}/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/log?container=${container}`,
    {
      headers: lab.k8s.token ? { Authorization: `Bearer ${lab.k8s.token}` } : {},
    },
  );
  return res.text();
}

describe.each([
  [
    'kube-router',
    'kube-router',
    /^time="[^"]+" level=warning msg="Peer Down" Key=(\S+) Reason=hold-timer-expired State=BGP_FSM_ESTABLISHED Topic=Peer$/m,
  ],
  [
    'cilium',
    'cilium',
    /^time="[^"]+" level=warning msg="Peer Down" Key=(\S+) Reason=hold-timer-expired State=BGP_FSM_ESTABLISHED Topic=Peer.* subsys=bgp-control-plane$/m,
  ],
] as const)('%s', (scenario, label, down) => {
  it('logs the session to leaf 101 coming up at start and going down after session-down, naming the leaf address', async () => {
    const lab = await startTestLab({ scenario });
    const session = lab.truth().sessions.find((s) => s.leaf === 101 && s.state === 'established');
    expect(session).toBeDefined();
    const before = await logOf(lab, label, session!.node);
    expect(before).toContain(`msg="Peer Up" Key=${session!.peerIp}`);
    await lab.event({ kind: 'session-down', leaf: 101, node: session!.node });
    const after = await waitFor(async () => {
      const text = await logOf(lab, label, session!.node);
      return down.test(text) ? text : undefined;
    });
    expect(down.exec(after)![1]).toBe(session!.peerIp);
  });
});
