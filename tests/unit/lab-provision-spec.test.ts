import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createWorld, loadShippedScenario, shippedScenarioNames } from '../../lib/lab/model';
import { provisionSpec } from '../../lib/lab';
import { validateSpecText } from '../../provisioner/index';

const files = {
  apicUrls: ['https://127.0.0.1:4443'],
  apicUser: 'admin',
  apicPasswordFile: '/lab/apic-password',
  apicCaFile: '/lab/apic-ca.pem',
  kubeconfigFile: '/lab/kubeconfig',
  bgpPasswordFile: '/lab/bgp-password',
};

describe('the provision spec the lab writes', () => {
  it.each(shippedScenarioNames())('is a valid akb plan spec for scenario %s', (name) => {
    const w = createWorld(loadShippedScenario(name));
    const result = validateSpecText(stringify(provisionSpec(w, files)));
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    const r = result.resolved;
    expect(r.spec.mode).toBe('aci-only');
    expect(r.clusterAsn).toBe(w.scenario.cluster.cni.as);
    expect(r.spec.fabric.anchorLeaves.map((a) => a.ipv4)).toEqual(w.scenario.l3out.anchors.map((a) => a.ip));
    expect(r.spec.cluster.nodes.map((n) => n.name)).toEqual(w.nodes.map((n) => n.name));
  });
});
