/**
 * The bootstrap script: one for cloud-init (a VM runs `bootstrap.sh all` from runcmd) and SSH (akb runs each
 * phase with sudo), so both paths do exactly the same thing. Each phase leaves a marker and is skipped when its
 * marker is there, so running the script again after a crash or a failure resumes it; kubeadm itself is skipped
 * when its own result exists (Kubespray's rule), validated first, and bounded by `timeout`. The last phase
 * writes the success sentinel akb waits for. No secret is in the script: they are in the files it reads.
 *
 * On a VMware VM the script also reports its state in `guestinfo.akb.bootstrap` (`running:<phase>`,
 * `failed:<phase>: <last error line>`, `succeeded`) through VMware Tools, where vCenter can read it.
 */

export const BOOTSTRAP_SCRIPT = '/usr/local/lib/akb/bootstrap.sh';
export const BOOTSTRAP_STATE_DIR = '/var/lib/akb';
export const BOOTSTRAP_SENTINEL = `${BOOTSTRAP_STATE_DIR}/bootstrap-success.complete`;
export const KUBEADM_CONFIG = '/etc/akb/kubeadm.yaml';
/** Static pods a joining master adds only after it joined: kubeadm join refuses a non-empty manifests directory. */
export const STAGED_MANIFESTS = '/etc/akb/manifests';
export const BOOTSTRAP_PHASES = ['system', 'runtime', 'packages', 'kubeadm', 'finish'] as const;
export type BootstrapPhase = (typeof BOOTSTRAP_PHASES)[number];
/** The first line after the shebang: names the script and its version, so a twin can tell akb's script apart. */
export const SCRIPT_MARKER = '# akb-bootstrap v1';

export type KubeadmMode = 'init' | 'join' | 'join-control-plane';

export interface ScriptOptions {
  node: string;
  mode: KubeadmMode;
  kubernetesVersion: string;
  /** Seconds kubeadm init/join may take before `timeout` stops it. */
  kubeadmTimeoutSec?: number;
  /** Files removed by the finish phase (and by `scrub`): bootstrap-only secrets. */
  bootstrapOnlyFiles: string[];
}

const minorOf = (v: string) => v.split('.').slice(0, 2).join('.');
/** Single-quoted for sh: safe for any value. */
export const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function kubeadmPhase(mode: KubeadmMode, timeoutSec: number): string[] {
  const run = (cmd: string) => [
    `  kubeadm config validate --config ${KUBEADM_CONFIG}`,
    // One retry after a reset, as Kubespray does: a half-done kubeadm run does not succeed when run again as is.
    `  if ! timeout -k 30 ${timeoutSec} ${cmd}; then`,
    `    echo "akb: ${cmd.split(' ')[1]} failed, resetting and retrying once" >&2`,
    '    kubeadm reset -f',
    `    timeout -k 30 ${timeoutSec} ${cmd}`,
    '  fi',
  ];
  if (mode === 'init')
    return [
      '  if [ -f /etc/kubernetes/admin.conf ]; then echo "akb: kubeadm init already done"; return 0; fi',
      ...run(`kubeadm init --config ${KUBEADM_CONFIG} --upload-certs`),
    ];
  const lines = [
    '  if [ -f /etc/kubernetes/kubelet.conf ]; then echo "akb: kubeadm join already done"; else',
    ...run(`kubeadm join --config ${KUBEADM_CONFIG}`).map((l) => `  ${l}`),
    '  fi',
  ];
  if (mode === 'join-control-plane')
    lines.push(
      `  if [ -d ${STAGED_MANIFESTS} ]; then mkdir -p /etc/kubernetes/manifests && cp ${STAGED_MANIFESTS}/*.yaml /etc/kubernetes/manifests/; fi`,
    );
  return lines;
}

/** The script for one node (its kubeadm mode and versions are written in; everything secret is read from files). */
export function bootstrapScript(o: ScriptOptions): string {
  const repo = `https://pkgs.k8s.io/core:/stable:/v${minorOf(o.kubernetesVersion)}/deb/`;
  const pkgs = ['kubelet', 'kubeadm', 'kubectl'].map((p) => `${p}=${o.kubernetesVersion}-*`).join(' ');
  const scrubList = o.bootstrapOnlyFiles.map(shQuote).join(' ');
  return [
    '#!/bin/bash',
    SCRIPT_MARKER,
    `# node ${o.node}, kubeadm ${o.mode}, Kubernetes ${o.kubernetesVersion}.`,
    '# Usage: bootstrap.sh all | status | scrub | reset | <phase>',
    'set -euo pipefail',
    `STATE=${BOOTSTRAP_STATE_DIR}`,
    `SENTINEL=${BOOTSTRAP_SENTINEL}`,
    `PHASES="${BOOTSTRAP_PHASES.join(' ')}"`,
    'SELF=$(readlink -f "$0")',
    '',
    'report() { if command -v vmware-rpctool >/dev/null 2>&1; then vmware-rpctool "info-set guestinfo.akb.bootstrap $1" >/dev/null 2>&1 || true; fi; }',
    '',
    'phase_system() {',
    '  swapoff -a',
    "  sed -i '/\\sswap\\s/s/^/#/' /etc/fstab",
    '  modprobe overlay',
    '  modprobe br_netfilter',
    '  sysctl --system',
    '  netplan apply',
    '}',
    '',
    'phase_runtime() {',
    '  apt-get update',
    '  DEBIAN_FRONTEND=noninteractive apt-get install -y containerd apt-transport-https ca-certificates curl gpg',
    '  mkdir -p /etc/containerd',
    "  containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml",
    '  systemctl restart containerd',
    '}',
    '',
    // The kubeadm installation procedure: one pkgs.k8s.io repository and signing key per minor release.
    'phase_packages() {',
    '  mkdir -p /etc/apt/keyrings',
    `  curl -fsSL ${repo}Release.key | gpg --batch --yes --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg`,
    `  echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] ${repo} /' > /etc/apt/sources.list.d/kubernetes.list`,
    '  apt-get update',
    `  DEBIAN_FRONTEND=noninteractive apt-get install -y --allow-change-held-packages ${pkgs}`,
    '  apt-mark hold kubelet kubeadm kubectl',
    '  systemctl enable --now kubelet',
    '}',
    '',
    'phase_kubeadm() {',
    ...kubeadmPhase(o.mode, o.kubeadmTimeoutSec ?? 600),
    '}',
    '',
    `scrub() { rm -f -- ${scrubList}; }`,
    '',
    'phase_finish() {',
    '  scrub',
    '  date -u +%Y-%m-%dT%H:%M:%SZ > "$SENTINEL"',
    '}',
    '',
    // One run at a time: a second run (akb retrying after it lost the connection, or cloud-init and akb at once)
    // waits for the first instead of running kubeadm twice.
    'lock() {',
    '  mkdir -p "$STATE"',
    '  exec 9>"$STATE/.lock"',
    '  if ! flock -w 900 9; then echo "akb: another bootstrap run still holds $STATE/.lock" >&2; exit 75; fi',
    '}',
    '',
    // Each phase runs in its own bash so that `set -e` holds inside it (an `if` would switch errexit off);
    // its stderr is kept to report the reason of a failure.
    'run_phase() {',
    '  local p=$1 rc=0',
    '  if [ -f "$STATE/phases/$p.done" ]; then echo "akb: phase $p already done"; return 0; fi',
    '  mkdir -p "$STATE/phases"',
    '  report "running:$p"',
    '  echo "akb: phase $p"',
    '  bash "$SELF" __phase "$p" 2> >(tee "$STATE/phases/$p.err" >&2) || rc=$?',
    '  wait',
    '  if [ "$rc" -ne 0 ]; then',
    '    report "failed:$p: $(tail -n 1 "$STATE/phases/$p.err" | cut -c1-200)"',
    '    echo "akb: phase $p failed (exit $rc)" >&2',
    '    return "$rc"',
    '  fi',
    '  touch "$STATE/phases/$p.done"',
    '}',
    '',
    'case "${1:-}" in',
    '  __phase) "phase_$2" ;;',
    '  all) lock; for p in $PHASES; do run_phase "$p"; done; report succeeded ;;',
    '  status) for p in $PHASES; do if [ -f "$STATE/phases/$p.done" ]; then echo "done $p"; fi; done; if [ -f "$SENTINEL" ]; then echo succeeded; fi ;;',
    '  scrub) scrub ;;',
    '  reset) lock; kubeadm reset -f || true; rm -rf -- "$STATE" /etc/akb; rm -f -- /etc/kubernetes/manifests/haproxy.yaml /etc/kubernetes/manifests/keepalived.yaml ;;',
    `  ${BOOTSTRAP_PHASES.join('|')}) lock; run_phase "$1"; if [ "$1" = finish ]; then report succeeded; fi ;;`,
    '  *) echo "usage: $0 all|status|scrub|reset|<phase> (phases: $PHASES)" >&2; exit 2 ;;',
    'esac',
    '',
  ].join('\n');
}
