import { stringify } from 'yaml';
import type { ResolvedSpec } from '../spec/defaults';
import type { ClusterNode } from '../spec/schema';
import type { BootstrapFile } from '../providers/machines';
import { stringifyDocs } from '../plan/yaml';
import { clusterConfiguration, initConfiguration, joinConfiguration, kubeletConfiguration } from '../plan/cluster/kubeadm';
import { haproxyConfig, haproxyPod, keepalivedConfig, keepalivedPod } from '../plan/cluster/control-plane-lb';
import { secretPlaceholder } from '../plan/secrets';
import { BOOTSTRAP_SCRIPT, KUBEADM_CONFIG, STAGED_MANIFESTS, bootstrapScript, type KubeadmMode } from './script';

/**
 * The files one node needs to bootstrap, with secrets as plan placeholders (`{{akb.secret:…}}`): the plan shows
 * them as they are, and `nodeBootstrap` fills them in memory. The same list becomes cloud-init `write_files`
 * on a VM and the uploads over SSH on a host.
 */

/** Kernel settings every node needs: routing between pods and the fabric, in both families. */
export const SYSCTL = [
  'net.bridge.bridge-nf-call-iptables = 1',
  'net.bridge.bridge-nf-call-ip6tables = 1',
  'net.ipv4.ip_forward = 1',
  'net.ipv6.conf.all.forwarding = 1',
].join('\n');

/** Netplan: static addresses, MTU, and the L3Out secondary IP as the default gateway (for VMs and bare metal alike). */
function netplan(r: ResolvedSpec, n: ClusterNode): string {
  const addresses = r.families.map((f) => `${n[f.family]}/${f.nodeSubnet.prefix}`);
  const routes = r.families.map((f) => ({ to: 'default', via: f.secondaryIp.toString() }));
  const dns = { addresses: r.spec.cluster.dns.servers, ...(r.spec.cluster.dns.domain ? { search: [r.spec.cluster.dns.domain] } : {}) };
  return stringify({
    network: { version: 2, ethernets: { [n.interface]: { addresses, routes, mtu: r.spec.fabric.mtu, nameservers: dns } } },
  });
}

export function kubeadmMode(r: ResolvedSpec, n: ClusterNode): KubeadmMode {
  if (r.spec.cluster.nodes[0]?.name === n.name) return 'init';
  return n.role === 'master' ? 'join-control-plane' : 'join';
}

function kubeadmFile(r: ResolvedSpec, n: ClusterNode, mode: KubeadmMode): string {
  if (mode === 'init') return stringifyDocs([initConfiguration(r, n), clusterConfiguration(r), kubeletConfiguration]);
  return stringifyDocs([joinConfiguration(r, n), kubeletConfiguration]);
}

/** The CAs and the service-account key kubeadm init finds in place instead of generating its own (as Cluster API does). */
function pkiFiles(): BootstrapFile[] {
  const pki = (path: string, name: string, key: boolean): BootstrapFile => ({
    path: `/etc/kubernetes/pki/${path}`,
    content: secretPlaceholder(name),
    mode: key ? 0o600 : 0o644,
    secret: key,
    bootstrapOnly: false,
  });
  return [
    pki('ca.crt', 'pki-ca-crt', false),
    pki('ca.key', 'pki-ca-key', true),
    pki('front-proxy-ca.crt', 'pki-front-proxy-ca-crt', false),
    pki('front-proxy-ca.key', 'pki-front-proxy-ca-key', true),
    pki('etcd/ca.crt', 'pki-etcd-ca-crt', false),
    pki('etcd/ca.key', 'pki-etcd-ca-key', true),
    pki('sa.key', 'pki-sa-key', true),
    pki('sa.pub', 'pki-sa-pub', false),
  ];
}

const file = (path: string, content: string, mode: number, secret = false, bootstrapOnly = false): BootstrapFile => ({
  path,
  content,
  mode,
  secret,
  bootstrapOnly,
});

export function nodeFiles(r: ResolvedSpec, n: ClusterNode): BootstrapFile[] {
  const c = r.spec.cluster;
  const masters = c.nodes.filter((m) => m.role === 'master');
  const mode = kubeadmMode(r, n);
  const files: BootstrapFile[] = [
    file('/etc/netplan/60-akb.yaml', netplan(r, n), 0o600),
    file('/etc/modules-load.d/akb.conf', 'overlay\nbr_netfilter\n', 0o644),
    file('/etc/sysctl.d/60-akb.conf', `${SYSCTL}\n`, 0o644),
    // The join token and certificate key: needed only until the node has joined.
    file(KUBEADM_CONFIG, kubeadmFile(r, n, mode), 0o600, true, true),
  ];
  if (mode === 'init') files.push(...pkiFiles());
  if (masters.length === 3 && n.role === 'master') {
    // kubeadm init accepts extra static pods in place; kubeadm join refuses a non-empty manifests directory,
    // so a joining master stages them and the script moves them in after the join.
    const manifests = mode === 'init' ? '/etc/kubernetes/manifests' : STAGED_MANIFESTS;
    files.push(
      file('/etc/haproxy/haproxy.cfg', haproxyConfig(r), 0o644),
      file('/etc/keepalived/keepalived.conf', keepalivedConfig(r, n, masters.indexOf(n)), 0o600, true),
      file(`${manifests}/haproxy.yaml`, stringify(haproxyPod()), 0o644),
      file(`${manifests}/keepalived.yaml`, stringify(keepalivedPod()), 0o644),
    );
  }
  const bootstrapOnlyFiles = files.filter((f) => f.bootstrapOnly).map((f) => f.path);
  files.push(
    file(BOOTSTRAP_SCRIPT, bootstrapScript({ node: n.name, mode, kubernetesVersion: c.kubernetesVersion, bootstrapOnlyFiles }), 0o755),
  );
  return files;
}
