import type { ResolvedSpec } from '../../spec/defaults';
import type { ClusterNode } from '../../spec/schema';
import { manifest, type Manifest } from '../manifest';
import { secretPlaceholder } from '../secrets';

/** Pinned images (the previous tool ran haproxy:latest). */
export const LB_IMAGES = {
  haproxy: 'docker.io/library/haproxy:3.0.12-alpine',
  keepalived: 'quay.io/datacenter/keepalived:v2.2.7',
} as const;

/** HAProxy: the VIP port fans out to every master's API server, health-checked on /healthz. */
export function haproxyConfig(r: ResolvedSpec): string {
  const masters = r.spec.cluster.nodes.filter((n) => n.role === 'master');
  return [
    'global',
    '  log stdout format raw local0',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 1h',
    '  timeout server 1h',
    'frontend apiserver',
    `  bind *:${r.spec.cluster.controlPlane.port}`,
    '  default_backend masters',
    'backend masters',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    '  balance roundrobin',
    ...masters.map((m) => `  server ${m.name} ${m.ipv4}:6443 check check-ssl verify none`),
    '',
  ].join('\n');
}

/** keepalived: the first master starts as MASTER; the VRRP password is a secret, not a constant. */
export function keepalivedConfig(r: ResolvedSpec, n: ClusterNode, index: number): string {
  const cp = r.spec.cluster.controlPlane;
  return [
    'vrrp_script check_apiserver {',
    `  script "/usr/bin/curl -sfk https://127.0.0.1:${cp.port}/healthz"`,
    '  interval 3',
    '  fall 3',
    '}',
    'vrrp_instance VI_1 {',
    `  state ${index === 0 ? 'MASTER' : 'BACKUP'}`,
    `  interface ${n.interface}`,
    `  virtual_router_id ${cp.keepalivedRouterId}`,
    `  priority ${index === 0 ? 101 : 100}`,
    '  authentication {',
    '    auth_type PASS',
    `    auth_pass ${secretPlaceholder('keepalived-password')}`,
    '  }',
    `  virtual_ipaddress { ${r.vip.toString()} }`,
    '  track_script { check_apiserver }',
    '}',
    '',
  ].join('\n');
}

function staticPod(name: string, image: string, configPath: string, mountPath: string, extra: Record<string, unknown> = {}): Manifest {
  return manifest(
    'v1',
    'Pod',
    { name, namespace: 'kube-system' },
    {
      spec: {
        hostNetwork: true,
        containers: [{ name, image, volumeMounts: [{ name: 'config', mountPath, readOnly: true }], ...extra }],
        volumes: [{ name: 'config', hostPath: { path: configPath, type: 'File' } }],
      },
    },
  );
}

export const haproxyPod = (): Manifest =>
  staticPod('haproxy', LB_IMAGES.haproxy, '/etc/haproxy/haproxy.cfg', '/usr/local/etc/haproxy/haproxy.cfg');
export const keepalivedPod = (): Manifest =>
  staticPod('keepalived', LB_IMAGES.keepalived, '/etc/keepalived/keepalived.conf', '/usr/local/etc/keepalived/keepalived.conf', {
    securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_BROADCAST', 'NET_RAW'] } },
  });
