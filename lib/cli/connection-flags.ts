import type { Command } from 'commander';

/**
 * The flags that say which cluster and APIC to talk to, shared by the server and `akb capture` so that
 * "the same configuration the server uses" is true by construction. Each names its environment variable.
 */
export function addConnectionFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (AKB_KUBECONFIG, KUBECONFIG)')
    .option('--kube-context <name>', 'kubeconfig context (AKB_KUBE_CONTEXT)')
    .option('--in-cluster', 'use the pod service account (AKB_IN_CLUSTER)')
    .option(
      '--apic-url <url>',
      'APIC controller URL, repeat for each controller (AKB_APIC_URLS, comma-separated)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--apic-user <name>', 'APIC user (AKB_APIC_USER)')
    .option('--apic-password-file <file>', 'file with the APIC password (AKB_APIC_PASSWORD_FILE; or AKB_APIC_PASSWORD)')
    .option('--apic-cert-name <name>', 'certificate name on the APIC user, for signature auth (AKB_APIC_CERT_NAME)')
    .option('--apic-key-file <file>', 'private key for signature auth (AKB_APIC_KEY_FILE)')
    .option('--apic-ca-file <file>', 'CA bundle to trust for the APIC (AKB_APIC_CA_FILE)')
    .option('--apic-insecure', 'skip APIC TLS verification (AKB_APIC_INSECURE)')
    .option('--tenant <name>', "the cluster's ACI tenant (AKB_TENANT)")
    .option('--vrf <name>', "the cluster's VRF (AKB_VRF)")
    .option('--l3out <name>', "the cluster's L3Out (AKB_L3OUT)")
    .option('--lab-dir <dir>', 'directory of the lab: where it writes (or a running one wrote) lab.json and kubeconfig (AKB_LAB_DIR)');
}
