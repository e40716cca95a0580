import { stringify } from 'yaml';
import type { ResolvedSpec } from '../../spec/defaults';
import type { ClusterNode } from '../../spec/schema';
import { stringifyDocs } from '../yaml';
import { clusterConfiguration, initConfiguration, joinConfiguration, kubeletConfiguration } from './kubeadm';
import { haproxyConfig, haproxyPod, keepalivedConfig, keepalivedPod } from './control-plane-lb';

/** Kernel settings every node needs: routing between pods and the fabric, in both families. */
export const SYSCTL = [
  'net.bridge.bridge-nf-call-iptables = 1',
  'net.bridge.bridge-nf-call-ip6tables = 1',
  'net.ipv4.ip_forward = 1',
  'net.ipv6.conf.all.forwarding = 1',
].join('\n');

interface WriteFile {
  path: string;
  content: string;
  permissions: string;
}

/** Netplan: static addresses, MTU, and the L3Out secondary IP as the default gateway (for VMs and bare metal alike). */
function netplan(r: ResolvedSpec, n: ClusterNode): string {
  const addresses = r.families.map((f) => `${n[f.family]}/${f.nodeSubnet.prefix}`);
  const routes = r.families.map((f) => ({ to: 'default', via: f.secondaryIp.toString() }));
  const dns = { addresses: r.spec.cluster.dns.servers, ...(r.spec.cluster.dns.domain ? { search: [r.spec.cluster.dns.domain] } : {}) };
  return stringify({
    network: { version: 2, ethernets: { [n.interface]: { addresses, routes, mtu: r.spec.fabric.mtu, nameservers: dns } } },
  });
}

function kubeadmFile(r: ResolvedSpec, n: ClusterNode, first: boolean): string {
  if (first) return stringifyDocs([initConfiguration(r, n), clusterConfiguration(r), kubeletConfiguration]);
  return stringifyDocs([joinConfiguration(r, n), kubeletConfiguration]);
}

/** The package channel for the minor version (pkgs.k8s.io serves one repository per minor). */
const minorOf = (v: string) => v.split('.').slice(0, 2).join('.');

/** cloud-init user data for one node: addressing, kernel, containerd, kubelet/kubeadm, then kubeadm init or join. */
export function userData(r: ResolvedSpec, n: ClusterNode): string {
  const c = r.spec.cluster;
  const masters = c.nodes.filter((m) => m.role === 'master');
  const first = c.nodes[0]?.name === n.name;
  const ha = masters.length === 3 && n.role === 'master';
  const files: WriteFile[] = [
    { path: '/etc/netplan/60-akb.yaml', content: netplan(r, n), permissions: '0600' },
    { path: '/etc/modules-load.d/akb.conf', content: 'overlay\nbr_netfilter\n', permissions: '0644' },
    { path: '/etc/sysctl.d/60-akb.conf', content: `${SYSCTL}\n`, permissions: '0644' },
    { path: '/etc/akb/kubeadm.yaml', content: kubeadmFile(r, n, first), permissions: '0600' },
  ];
  if (ha) {
    files.push(
      { path: '/etc/haproxy/haproxy.cfg', content: haproxyConfig(r), permissions: '0644' },
      { path: '/etc/keepalived/keepalived.conf', content: keepalivedConfig(r, n, masters.indexOf(n)), permissions: '0600' },
      { path: '/etc/kubernetes/manifests/haproxy.yaml', content: stringify(haproxyPod()), permissions: '0644' },
      { path: '/etc/kubernetes/manifests/keepalived.yaml', content: stringify(keepalivedPod()), permissions: '0644' },
    );
  }
  const repo = `https://pkgs.k8s.io/core:/stable:/v${minorOf(c.kubernetesVersion)}/deb/`;
  const pkgs = ['kubelet', 'kubeadm', 'kubectl'].map((p) => `${p}=${c.kubernetesVersion}-*`).join(' ');
  const kubeadmCmd = first ? 'kubeadm init --config /etc/akb/kubeadm.yaml --upload-certs' : 'kubeadm join --config /etc/akb/kubeadm.yaml';
  const doc = {
    hostname: n.name,
    fqdn: c.dns.domain ? `${n.name}.${c.dns.domain}` : n.name,
    ssh_authorized_keys: c.sshAuthorizedKeys,
    ...(c.ntpServers.length > 0 ? { ntp: { enabled: true, servers: c.ntpServers } } : {}),
    write_files: files,
    packages: ['containerd', 'apt-transport-https', 'ca-certificates', 'curl', 'gpg'],
    runcmd: [
      'swapoff -a',
      'modprobe overlay',
      'modprobe br_netfilter',
      'sysctl --system',
      'netplan apply',
      'mkdir -p /etc/containerd /etc/apt/keyrings',
      "containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml",
      'systemctl restart containerd',
      // The kubeadm installation procedure: one pkgs.k8s.io repository and signing key per minor release.
      `curl -fsSL ${repo}Release.key | gpg --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg`,
      `echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] ${repo} /' > /etc/apt/sources.list.d/kubernetes.list`,
      `apt-get update && apt-get install -y ${pkgs}`,
      'apt-mark hold kubelet kubeadm kubectl',
      kubeadmCmd,
    ],
  };
  return `#cloud-config\n${stringify(doc)}`;
}
