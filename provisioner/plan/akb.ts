import type { ResolvedSpec } from '../spec/defaults';
import { manifest, type Manifest } from './manifest';

const NS = 'akb';
const APP = { 'app.kubernetes.io/name': 'akb' };
const PORT = 3000;

/**
 * The visualiser's install objects, from one function so it can later render deploy/ (the kustomize base)
 * instead. Read-only: the ClusterRole has get/list/watch and nothing else; APIC credentials come from a
 * Secret the applier fills from fabric.apic.credentials (never the private key of an admin user).
 */
export function akbManifests(r: ResolvedSpec): Manifest[] {
  const { fabric: f, cluster: c } = r.spec;
  const v = c.visualiser;
  if (!v.enabled) return [];
  const config = {
    APIC_URLS: f.apic.urls.join(','),
    APIC_USERNAME: f.apic.username,
    ...(f.apic.certificateName !== undefined ? { APIC_CERTIFICATE_NAME: f.apic.certificateName } : {}),
    ACI_TENANT: f.tenant,
    ACI_VRF: `${f.vrf.tenant ?? f.tenant}/${f.vrf.name}`,
    ACI_L3OUT: f.l3out.name,
    CLUSTER_NAME: c.name,
  };
  const out: Manifest[] = [
    manifest('v1', 'Namespace', { name: NS }),
    manifest('v1', 'ServiceAccount', { name: 'akb', namespace: NS, labels: APP }),
    manifest('rbac.authorization.k8s.io/v1', 'ClusterRole', { name: 'akb-read', labels: APP }, {
      rules: [
        { apiGroups: [''], resources: ['nodes', 'pods', 'services', 'namespaces'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['crd.projectcalico.org'], resources: ['bgpconfigurations', 'bgppeers', 'ippools'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['cilium.io'], resources: ['ciliumbgpclusterconfigs', 'ciliumbgppeerconfigs', 'ciliumbgpadvertisements'], verbs: ['get', 'list', 'watch'] },
      ],
    }),
    manifest('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { name: 'akb-read', labels: APP }, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'akb-read' },
      subjects: [{ kind: 'ServiceAccount', name: 'akb', namespace: NS }],
    }),
    manifest('v1', 'ConfigMap', { name: 'akb-config', namespace: NS, labels: APP }, { data: config }),
    // Only a reference: the applier creates the Secret's data from the named source.
    manifest('v1', 'Secret', { name: 'akb-apic-credentials', namespace: NS, labels: APP, annotations: { 'akb.io/secret-ref': f.apic.credentials } }, { type: 'Opaque' }),
    manifest('apps/v1', 'Deployment', { name: 'akb', namespace: NS, labels: APP }, {
      spec: {
        replicas: 1,
        selector: { matchLabels: APP },
        template: {
          metadata: { labels: APP },
          spec: {
            serviceAccountName: 'akb',
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'akb',
                image: v.image,
                ports: [{ name: 'http', containerPort: PORT }],
                envFrom: [{ configMapRef: { name: 'akb-config' } }],
                volumeMounts: [{ name: 'apic-credentials', mountPath: '/var/run/akb/apic', readOnly: true }],
                readinessProbe: { httpGet: { path: '/api/health', port: 'http' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              },
            ],
            volumes: [{ name: 'apic-credentials', secret: { secretName: 'akb-apic-credentials' } }],
          },
        },
      },
    }),
    manifest('v1', 'Service', { name: 'akb', namespace: NS, labels: APP }, {
      spec: { selector: APP, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }),
  ];
  if (v.ingressHost !== undefined) {
    out.push(
      manifest('networking.k8s.io/v1', 'Ingress', { name: 'akb', namespace: NS, labels: APP }, {
        spec: {
          rules: [{ host: v.ingressHost, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'akb', port: { name: 'http' } } } }] } }],
        },
      }),
    );
  }
  return out;
}
