import { stringify } from 'yaml';
import type { Plan } from '../plan/index';
import { stringifyDocs } from '../plan/yaml';
import { renderSummary } from './summary';
import { renderTerraform } from './terraform';

/** Every file of a plan, path (relative to the output directory) → content. Pure, so it can be tested byte for byte. */
export function planFiles(plan: Plan): Map<string, string> {
  const files = new Map<string, string>();
  files.set('summary.txt', renderSummary(plan));
  const width = String(plan.aci.payloads.length).length;
  plan.aci.payloads.forEach((p, i) => {
    const rn = p.dn.slice(p.dn.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_.-]+/g, '_');
    files.set(
      `aci/${String(i + 1).padStart(width, '0')}-${rn}.json`,
      `${JSON.stringify({ url: p.url, description: p.description, body: p.body }, null, 2)}\n`,
    );
  });
  files.set('aci/payloads.json', `${JSON.stringify(plan.aci.payloads, null, 2)}\n`);
  files.set('terraform/main.tf', renderTerraform(plan.aci));
  files.set('kubernetes/10-cni.yaml', stringifyDocs(plan.manifests.cni));
  if (plan.manifests.akb.length > 0) files.set('kubernetes/20-akb.yaml', stringifyDocs(plan.manifests.akb));
  for (const [chart, values] of Object.entries(plan.helmValues)) files.set(`kubernetes/${chart}-values.yaml`, stringify(values));
  for (const n of plan.nodes) files.set(`nodes/${n.node}.user-data.yaml`, n.userData);
  return files;
}
