import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import type { LabSpecFiles } from '../provision-spec';

/**
 * `<labDir>/lab.json`: how other processes (the app, `akb lab event`, kubectl users) find a running lab. It names
 * files for the secrets (kubeconfig, APIC and vCenter passwords, the control endpoint's token, all mode 0600) instead of holding
 * them.
 */
export const labFileSchema = z.object({
  scenario: z.string(),
  k8sUrl: z.string().url(),
  kubeconfig: z.string().min(1),
  apicUrls: z.array(z.string().url()).min(1),
  apicUser: z.string().min(1),
  apicPasswordFile: z.string().min(1),
  apicCaFile: z.string().min(1).optional(),
  /** The vCenter twin (scenarios with ESXi hosts): SDK URL, user, password file (0600) and CA file. */
  vcenterUrl: z.string().url().optional(),
  vcenterUser: z.string().min(1).optional(),
  vcenterPasswordFile: z.string().min(1).optional(),
  vcenterCaFile: z.string().min(1).optional(),
  controlUrl: z.string().url(),
  /** The control endpoint's token (see control-client.ts). */
  controlTokenFile: z.string().min(1),
  tenant: z.string().min(1),
  vrf: z.string().min(1),
  l3out: z.string().min(1).optional(),
  /** The lab's gateway to its node network (SOCKS5 and HTTP CONNECT on one port). */
  nodeProxyUrl: z.string().min(1).optional(),
  /** The key its SSH host twins accept (0600) and their host keys, as a known_hosts file. */
  sshKeyFile: z.string().min(1).optional(),
  sshKnownHostsFile: z.string().min(1).optional(),
  /** The BGP password of the scenario's peering (0600), referenced by provision-spec.yaml. */
  bgpPasswordFile: z.string().min(1).optional(),
  /** An `akb plan` spec of this lab's fabric and cluster (see lib/lab/provision-spec.ts). */
  provisionSpecFile: z.string().min(1).optional(),
  pid: z.number().int(),
});
export type LabFile = z.infer<typeof labFileSchema>;

export const DEFAULT_LAB_DIR = '.akb/lab';

export interface LabDirContents {
  scenario: string;
  k8sUrl: string;
  kubeconfigYaml: string;
  apicUrls: string[];
  apicUser: string;
  apicPassword: string;
  apicCaPem?: string;
  vcenter?: { url: string; user: string; password: string; caPem: string };
  controlUrl: string;
  controlToken: string;
  tenant: string;
  vrf: string;
  l3out?: string;
  nodeProxyUrl?: string;
  sshPrivateKey?: string;
  sshKnownHosts?: string;
  bgpPassword?: string;
  /** Builds the provision spec from the files written (their absolute paths). */
  provisionSpec?: (files: LabSpecFiles) => unknown;
}

export async function writeLabDir(dir: string, c: LabDirContents): Promise<LabFile> {
  const abs = resolve(dir);
  await mkdir(abs, { recursive: true });
  const secret = async (file: string, text: string): Promise<string> => {
    const path = join(abs, file);
    await writeFile(path, text, { mode: 0o600 });
    await chmod(path, 0o600); // writeFile's mode only applies to a new file
    return path;
  };
  const kubeconfig = await secret('kubeconfig', c.kubeconfigYaml);
  const apicPasswordFile = await secret('apic-password', `${c.apicPassword}\n`);
  const controlTokenFile = await secret('control-token', `${c.controlToken}\n`);
  let apicCaFile: string | undefined;
  if (c.apicCaPem) {
    apicCaFile = join(abs, 'apic-ca.pem');
    await writeFile(apicCaFile, c.apicCaPem);
  }
  const sshKeyFile = c.sshPrivateKey !== undefined ? await secret('ssh-key', c.sshPrivateKey) : undefined;
  let sshKnownHostsFile: string | undefined;
  if (c.sshKnownHosts !== undefined) {
    sshKnownHostsFile = join(abs, 'ssh-known-hosts');
    await writeFile(sshKnownHostsFile, `${c.sshKnownHosts}\n`);
  }
  let vcenter: Partial<LabFile> = {};
  if (c.vcenter) {
    const vcenterCaFile = join(abs, 'vcenter-ca.pem');
    await writeFile(vcenterCaFile, c.vcenter.caPem);
    vcenter = {
      vcenterUrl: c.vcenter.url,
      vcenterUser: c.vcenter.user,
      vcenterPasswordFile: await secret('vcenter-password', `${c.vcenter.password}\n`),
      vcenterCaFile,
    };
  }
  const bgpPasswordFile = c.bgpPassword !== undefined ? await secret('bgp-password', c.bgpPassword) : undefined;
  let provisionSpecFile: string | undefined;
  if (c.provisionSpec) {
    provisionSpecFile = join(abs, 'provision-spec.yaml');
    const spec = c.provisionSpec({
      apicUrls: c.apicUrls,
      apicUser: c.apicUser,
      apicPasswordFile,
      ...(apicCaFile ? { apicCaFile } : {}),
      kubeconfigFile: kubeconfig,
      ...(bgpPasswordFile ? { bgpPasswordFile } : {}),
      ...(vcenter.vcenterUrl
        ? {
            vcenter: {
              vcenterUrl: vcenter.vcenterUrl,
              vcenterUser: vcenter.vcenterUser!,
              vcenterPasswordFile: vcenter.vcenterPasswordFile!,
              vcenterCaFile: vcenter.vcenterCaFile!,
            },
          }
        : {}),
      ...(sshKeyFile ? { sshKeyFile } : {}),
      ...(sshKnownHostsFile ? { sshKnownHostsFile } : {}),
      ...(c.nodeProxyUrl ? { nodeProxyUrl: c.nodeProxyUrl } : {}),
    });
    const header = `# An akb plan spec of this lab (scenario ${c.scenario}): akb plan ${provisionSpecFile} --out DIR\n`;
    await writeFile(provisionSpecFile, header + stringifyYaml(spec));
  }
  const file: LabFile = {
    scenario: c.scenario,
    k8sUrl: c.k8sUrl,
    kubeconfig,
    apicUrls: c.apicUrls,
    apicUser: c.apicUser,
    apicPasswordFile,
    ...(apicCaFile ? { apicCaFile } : {}),
    ...vcenter,
    controlUrl: c.controlUrl,
    controlTokenFile,
    tenant: c.tenant,
    vrf: c.vrf,
    ...(c.l3out ? { l3out: c.l3out } : {}),
    ...(c.nodeProxyUrl ? { nodeProxyUrl: c.nodeProxyUrl } : {}),
    ...(sshKeyFile ? { sshKeyFile } : {}),
    ...(sshKnownHostsFile ? { sshKnownHostsFile } : {}),
    ...(bgpPasswordFile ? { bgpPasswordFile } : {}),
    ...(provisionSpecFile ? { provisionSpecFile } : {}),
    pid: process.pid,
  };
  await writeFile(join(abs, 'lab.json'), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

/** Reads `<dir>/lab.json`; the error says which file and which fields are wrong, or that no lab was started there. */
export async function readLabFile(dir: string): Promise<LabFile> {
  const path = join(resolve(dir), 'lab.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`no running lab found: ${path} does not exist (start one with "akb lab start --lab-dir ${dir}")`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not JSON (${(e as Error).message})`);
  }
  const r = labFileSchema.safeParse(doc);
  if (!r.success) throw new Error(`${path}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
