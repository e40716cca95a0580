import type { SessionTruth } from '../model/bgp';
import type { CniKind } from '../twin/cluster-types';

/**
 * What each CNI's BGP daemon writes to its pod's log when a session to the fabric changes, in that daemon's own
 * format: Calico's BIRD names a node-specific peer `Node_<address with underscores>` and logs its protocol's state
 * changes; kube-router and Cilium embed GoBGP, which logs "Peer Up"/"Peer Down" with the neighbour's address as
 * `Key` (logrus key=value lines). Also each daemon's start-up line, and a generic one for other containers.
 */
export const CNI_DAEMONS: Record<CniKind, { podLabel: string; component: string }> = {
  calico: { podLabel: 'calico-node', component: 'calico-node' },
  'kube-router': { podLabel: 'kube-router', component: 'kube-router' },
  cilium: { podLabel: 'cilium', component: 'cilium-agent' },
};

/** `2026-12-04 20:43:28.123`: Calico's own (felix, confd, startup) log timestamp. */
function calicoTime(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

function logrusTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** klog's header: `I1204 20:43:28.123000       1 file.go:123] `. */
function klog(at: Date, file: string): string {
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  return `I${mm}${dd} ${at.toISOString().slice(11, 23)}000       1 ${file}] `;
}

export function birdProtocol(peerIp: string): string {
  return `Node_${peerIp.replace(/[.:]/g, '_')}`;
}

/** GoBGP's reason for a session that left Established, from what the lab did to it. */
function gobgpDownReason(s: SessionTruth): string {
  return s.reason === 'node-as-mismatch' || s.reason === 'fabric-as-mismatch' ? 'notification-received' : 'hold-timer-expired';
}

export function sessionLogLines(cni: CniKind, s: SessionTruth, up: boolean, at: Date, localAs?: number): string[] {
  if (cni === 'calico') {
    const proto = birdProtocol(s.peerIp);
    if (up) return [`bird: ${proto}: State changed to start`, `bird: ${proto}: State changed to up`];
    const why =
      s.reason === 'node-as-mismatch' || s.reason === 'fabric-as-mismatch' ? 'Received: Bad peer AS' : 'Error: Hold timer expired';
    return [`bird: ${proto}: ${why}`, `bird: ${proto}: State changed to stop`, `bird: ${proto}: State changed to down`];
  }
  const fields = up
    ? `msg="Peer Up" Key=${s.peerIp} State=BGP_FSM_OPENCONFIRM Topic=Peer`
    : `msg="Peer Down" Key=${s.peerIp} Reason=${gobgpDownReason(s)} State=BGP_FSM_ESTABLISHED Topic=Peer`;
  const level = up ? 'info' : 'warning';
  if (cni === 'kube-router') return [`time="${logrusTime(at)}" level=${level} ${fields}`];
  return [
    `time="${logrusTime(at)}" level=${level} ${fields}${localAs !== undefined ? ` asn=${localAs}` : ''} component=gobgp.BgpServerInstance subsys=bgp-control-plane`,
  ];
}

export function startupLines(container: string, image: string, node: string, at: Date): string[] {
  if (container === 'calico-node')
    return [
      `${calicoTime(at)} [INFO][1] startup/startup.go 428: Early log level set to info`,
      `${calicoTime(at)} [INFO][1] startup/startup.go 475: Using NODENAME environment for node name ${node}`,
      `${calicoTime(at)} [INFO][1] startup/startup.go 690: Calico node started successfully`,
    ];
  if (container === 'kube-router') return [`${klog(at, 'kube-router.go:100')}Running ${image.split('/').pop()} on node ${node}`];
  if (container === 'cilium' || container === 'cilium-agent')
    return [`time="${logrusTime(at)}" level=info msg="Daemon initialization completed" subsys=daemon`];
  return [`${logrusTime(at)} container ${container} started (image ${image}) on ${node}`];
}
