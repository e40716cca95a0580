import { stringify } from 'yaml';
import type { ResolvedSpec } from '../spec/defaults';
import type { ClusterNode } from '../spec/schema';
import type { BootstrapFile } from '../providers/machines';
import { BOOTSTRAP_SCRIPT } from './script';

/**
 * cloud-init user data for a VM: hostname, NTP, the node user's keys, the node's files as `write_files`, and one
 * runcmd that runs the bootstrap script (so cloud-init and SSH run the same phases). Validated by Debian's
 * `cloud-init schema` in the tests.
 */
export function cloudConfig(r: ResolvedSpec, n: ClusterNode, files: BootstrapFile[]): string {
  const c = r.spec.cluster;
  const doc = {
    hostname: n.name,
    fqdn: c.dns.domain ? `${n.name}.${c.dns.domain}` : n.name,
    ...(c.sshAuthorizedKeys.length > 0 ? { ssh_authorized_keys: c.sshAuthorizedKeys } : {}),
    ...(c.ntpServers.length > 0 ? { ntp: { enabled: true, servers: c.ntpServers } } : {}),
    write_files: files.map((f) => ({ path: f.path, content: f.content, permissions: `0${f.mode.toString(8)}`, owner: 'root:root' })),
    runcmd: [[BOOTSTRAP_SCRIPT, 'all']],
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

/** cloud-init instance metadata (the VMware datasource's guestinfo.metadata): a stable instance ID per cluster node. */
export function instanceMetadata(cluster: string, n: ClusterNode): string {
  return stringify({ 'instance-id': `akb-${cluster}-${n.name}`, 'local-hostname': n.name });
}
