import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_RESOURCES } from '../../lib/k8s/resources';
import { ENV_VARS, loadServiceConfig, usesLab } from '../../lib/live/server/config';
import type { KubeObject } from '../../lib/k8s/models/object';
import { EXAMPLE_OVERLAY, REPO, kustomize } from './deploy-support';

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: { httpGet: { path: string } };
  livenessProbe?: { httpGet: { path: string } };
  readinessProbe?: { httpGet: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes: { name: string; secret?: { secretName: string }; emptyDir?: object }[];
}
interface NetworkPolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: string[];
  ingress: unknown[];
  egress: { to: { ipBlock?: { cidr: string } }[]; ports: { protocol: string; port: number | string }[] }[];
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

let dir: string;
let objects: KubeObject[];
const one = (kind: string): KubeObject => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0]!;
};
const podSpec = () => (one('Deployment').spec as { template: { spec: PodSpec } }).template.spec;
const container = () => podSpec().containers[0]!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-deploy-'));
  objects = await kustomize(dir, EXAMPLE_OVERLAY);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('kubectl kustomize deploy/overlays/example', () => {
  it('renders every install object, all namespaced ones in the akb namespace', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'Ingress',
      'Namespace',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Secret',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const o of objects.filter((x) => !clusterScoped.has(x.kind ?? '')))
      expect({ kind: o.kind, ns: o.metadata.namespace }).toEqual({ kind: o.kind, ns: 'akb' });
  });

  it('grants get/list/watch on exactly the resources akb reads, and nothing on Secrets', () => {
    const rules = (one('ClusterRole') as unknown as { rules: Rule[] }).rules;
    for (const rule of rules) expect(rule.verbs).toEqual(['get', 'list', 'watch']);
    const granted = rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${res}.${g}`))).sort();
    expect(granted).toEqual(CLUSTER_RESOURCES.map((r) => `${r.plural}.${r.group}`).sort());
    expect(granted.some((g) => g.startsWith('secrets.') || g.includes('*'))).toBe(false);
    const binding = one('ClusterRoleBinding') as unknown as {
      roleRef: { name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    expect(binding.roleRef.name).toBe(one('ClusterRole').metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: one('ServiceAccount').metadata.name, namespace: 'akb' }]);
    expect(podSpec().serviceAccountName).toBe(one('ServiceAccount').metadata.name);
  });

  it('runs the compiled server (node dist/server.mjs --in-cluster) as non-root with a read-only root and no capabilities', () => {
    const c = container();
    expect([...(c.command ?? []), ...(c.args ?? [])]).toEqual(['node', 'dist/server.mjs', '--in-cluster']);
    expect(c.image).toBe('registry.example.com/akb:0.1.0');
    expect(podSpec().securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    expect(c.startupProbe?.httpGet.path).toBe('/healthz');
    expect(c.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe?.httpGet.path).toBe('/readyz');
    // Sized for the largest cluster akb claims (deploy/README.md "Sizing", from the bench), the heap inside the limit.
    expect(c.resources?.requests).toEqual({ cpu: '100m', memory: '3328Mi' });
    expect(c.resources?.limits?.memory).toBe('5Gi');
    expect(c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe('--max-old-space-size=3840');
    // The only writable mounts are emptyDirs for /tmp and Next's cache.
    const volumes = new Map(podSpec().volumes.map((v) => [v.name, v]));
    const writable = (c.volumeMounts ?? [])
      .filter((m) => volumes.get(m.name)?.emptyDir)
      .map((m) => m.mountPath)
      .sort();
    expect(writable).toEqual(['/app/.next/cache', '/tmp']);
  });

  it('configures akb only with settings it knows, which it accepts as a valid in-cluster configuration', () => {
    const configMap = one('ConfigMap') as KubeObject & { data: Record<string, string> };
    expect(container().envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    for (const name of Object.keys(configMap.data)) expect(Object.keys(ENV_VARS), `unknown variable ${name}`).toContain(name);
    const config = loadServiceConfig({ inCluster: true }, configMap.data);
    expect(config).toMatchObject({ host: '0.0.0.0', port: 3000, uiAuth: 'token', tenant: 'k8s-prod', vrf: 'k8s-prod-vrf' });
    expect(config.apicUrls).toHaveLength(3);
    expect(usesLab(config, configMap.data)).toBe(false);
  });

  it('points every *_FILE setting at a key of a Secret mounted at that path', () => {
    const data = (one('ConfigMap') as KubeObject & { data: Record<string, string> }).data;
    const secrets = new Map(
      objects.filter((o) => o.kind === 'Secret').map((s) => [s.metadata.name, Object.keys((s as { data?: object }).data ?? {})]),
    );
    const volumes = new Map(podSpec().volumes.map((v) => [v.name, v.secret?.secretName]));
    const files = Object.entries(data)
      .filter(([k]) => k.endsWith('_FILE'))
      .map(([, v]) => v);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const mount = container().volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
      const secretName = mount ? volumes.get(mount.name) : undefined;
      expect({ file, key: secretName && secrets.get(secretName)?.includes(file.slice(mount!.mountPath.length + 1)) }).toEqual({
        file,
        key: true,
      });
    }
  });

  it('exposes the http port through the Service and the Ingress', () => {
    const svc = one('Service') as KubeObject & {
      spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
    };
    expect(svc.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
    const template = (one('Deployment').spec as { template: { metadata: { labels: Record<string, string> } } }).template;
    expect(template.metadata.labels).toMatchObject(svc.spec.selector);
    const ingress = one('Ingress') as KubeObject & { spec: { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] } };
    expect(ingress.spec.rules[0]?.http.paths[0]?.backend.service.name).toBe(svc.metadata.name);
  });

  it("limits akb's traffic with the site's NetworkPolicy: ingress from the ingress namespace, egress to DNS, the API and the APICs", () => {
    const np = one('NetworkPolicy') as KubeObject & { spec: NetworkPolicySpec };
    const template = (one('Deployment').spec as { template: { metadata: { labels: Record<string, string> } } }).template;
    expect(template.metadata.labels).toMatchObject(np.spec.podSelector.matchLabels);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        ports: [{ protocol: 'TCP', port: 'http' }],
      },
    ]);
    const [dns, api, apic] = np.spec.egress;
    // kustomize's label transformer must not have touched the DNS pod selector (it rewrites matchLabels there).
    expect(dns?.to).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] },
      },
    ]);
    expect(dns?.ports.map((p) => `${p.protocol}/${p.port}`)).toEqual(['UDP/53', 'TCP/53']);
    expect(api?.to.map((t) => t.ipBlock?.cidr)).toEqual(['10.96.0.1/32', '192.0.2.10/32']);
    expect(api?.ports.map((p) => p.port)).toEqual([443, 6443]);
    expect(apic?.to.map((t) => t.ipBlock?.cidr)).toEqual(['192.0.2.11/32', '192.0.2.12/32', '192.0.2.13/32']);
    expect(np.spec.egress).toHaveLength(3);
    const pdb = one('PodDisruptionBudget') as KubeObject & { spec: { maxUnavailable: number; selector: { matchLabels: object } } };
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: np.spec.podSelector.matchLabels } });
  });

  it('the base renders on its own too', async () => {
    const base = await kustomize(dir, join(REPO, 'deploy', 'base'));
    expect(base.map((o) => o.kind)).toContain('Deployment');
    expect(base.some((o) => o.kind === 'Secret')).toBe(false);
  });
});
