import { chmod, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { addConnectionFlags } from './connection-flags';
import { ApicClient } from '../aci/client';
import type { ApicClientOptionsInput } from '../aci/options';
import { KubeConfigError, loadKubeConfig } from '../k8s/kubeconfig';
import { readLabFile, type LabFile } from '../lab';
import { captureBundle } from '../live/server/capture';
import { ConfigError, loadServiceConfig, usesLab, type ServiceConfig } from '../live/server/config';
import type { Bundle } from '../topology/bundle-types';

type Env = Record<string, string | undefined>;

/** Where a capture reads from: an APIC client's options, a kubeconfig, and the cluster's VRF. */
export interface CaptureTarget {
  apic: ApicClientOptionsInput;
  kubeConfig: KubeConfig;
  fabric: Bundle['fabric'];
  /** What the target is, for messages (never a secret). */
  describe: string;
}

/** A configuration problem: the CLI exits 2 with this message. */
export class CaptureConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureConfigError';
  }
}

/**
 * A setting's file. For a secret (a password or key file) the error never repeats what was given: a password pasted
 * where its file's path belongs would otherwise be printed to the terminal and any log collecting it.
 */
async function readSetting(file: string, setting: string, opts: { secret?: boolean } = {}): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CaptureConfigError(
      opts.secret
        ? `${setting}: cannot read the file it names (${code}); give the path of a file that holds the secret, not the secret`
        : `${setting}: cannot read ${file} (${code})`,
    );
  }
}

function kubeConfigFrom(load: () => KubeConfig): KubeConfig {
  try {
    return load();
  } catch (err) {
    if (err instanceof KubeConfigError) throw new CaptureConfigError(err.message);
    throw new CaptureConfigError(`Kubernetes configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A running lab's connection details, from `<labDir>/lab.json` (written by the lab runtime; files it names are absolute). */
export async function labTarget(labDir: string): Promise<CaptureTarget> {
  let lab: LabFile;
  try {
    lab = await readLabFile(labDir);
  } catch (err) {
    throw new CaptureConfigError(`--lab-dir: ${err instanceof Error ? err.message : String(err)}`);
  }
  const dir = resolve(labDir);
  const file = resolve(dir, 'lab.json');
  const password = (
    await readSetting(resolve(dir, lab.apicPasswordFile), `--lab-dir: apicPasswordFile in ${file}`, { secret: true })
  ).trim();
  const ca = lab.apicCaFile ? await readSetting(resolve(dir, lab.apicCaFile), `--lab-dir: apicCaFile in ${file}`) : undefined;
  const kubeconfigPath = resolve(dir, lab.kubeconfig);
  return {
    apic: { controllers: lab.apicUrls, auth: { type: 'password', user: lab.apicUser, password }, tls: ca ? { ca } : {} },
    kubeConfig: kubeConfigFrom(() => loadKubeConfig({ path: kubeconfigPath })),
    fabric: { tenant: lab.tenant, vrf: lab.vrf, ...(lab.l3out ? { l3out: lab.l3out } : {}) },
    describe: `lab at ${dir}`,
  };
}

/** The configured APIC and cluster, from the server's configuration (flags and environment). */
export async function configuredTarget(config: ServiceConfig, env: Env = process.env): Promise<CaptureTarget> {
  const urls = config.apicUrls ?? [];
  if (urls.length === 0)
    throw new CaptureConfigError('--apic-url (AKB_APIC_URLS): required to capture from an APIC (or give --lab-dir of a running lab)');
  // loadServiceConfig has checked that user, one auth method, tenant and VRF are present.
  const user = config.apicUser!;
  const auth: ApicClientOptionsInput['auth'] = config.apicKeyFile
    ? {
        type: 'certificate',
        user,
        certName: config.apicCertName!,
        privateKey: await readSetting(config.apicKeyFile, '--apic-key-file', { secret: true }),
      }
    : {
        type: 'password',
        user,
        password: config.apicPasswordFile
          ? (await readSetting(config.apicPasswordFile, '--apic-password-file', { secret: true })).trim()
          : (env.AKB_APIC_PASSWORD ?? ''),
      };
  const ca = config.apicCaFile ? await readSetting(config.apicCaFile, '--apic-ca-file') : undefined;
  const kubeConfig = kubeConfigFrom(() => {
    if (config.inCluster) {
      const kc = new KubeConfig();
      kc.loadFromCluster();
      return kc;
    }
    return loadKubeConfig({ path: config.kubeconfig, context: config.kubeContext });
  });
  return {
    apic: { controllers: urls, auth, tls: { ...(ca ? { ca } : {}), insecure: config.apicInsecure } },
    kubeConfig,
    fabric: { tenant: config.tenant!, vrf: config.vrf!, ...(config.l3out ? { l3out: config.l3out } : {}) },
    describe: `APIC ${urls.join(', ')}`,
  };
}

/** Resolves what to capture: an explicit --lab-dir, else the configured APIC, else (as the server does) the lab. */
export async function resolveCaptureTarget(flags: Partial<ServiceConfig>, env: Env = process.env): Promise<CaptureTarget> {
  let config: ServiceConfig;
  try {
    config = loadServiceConfig(flags, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CaptureConfigError(err.message);
    throw err;
  }
  if (flags.labDir !== undefined || usesLab(config, env)) return labTarget(config.labDir);
  return configuredTarget(config, env);
}

interface CaptureFlags extends Partial<ServiceConfig> {
  out?: string;
  raw?: boolean;
  apicUrl?: string[];
}

/** Registers `akb capture [--out FILE]`: an akb-bundle/v1 snapshot of the configured APIC and cluster. */
export function registerCaptureCommands(program: Command): void {
  const capture = program
    .command('capture')
    .description('write an akb-bundle/v1 snapshot of the configured APIC and cluster (bulk class queries: a fixed number of requests)')
    .option('--out <file>', 'write the bundle to this file, mode 0600 (default: standard output)')
    .option(
      '--raw',
      'keep every field as the APIC and the API server returned it (env values, command lines, annotations: may hold secrets); default: only what akb reads',
    );
  addConnectionFlags(capture).action(async (o: CaptureFlags) => {
    const { out, raw, apicUrl, ...rest } = o;
    const flags: Partial<ServiceConfig> = { ...rest, ...(apicUrl ? { apicUrls: apicUrl } : {}) };
    let target: CaptureTarget;
    try {
      target = await resolveCaptureTarget(flags);
    } catch (err) {
      if (!(err instanceof CaptureConfigError)) throw err;
      process.stderr.write(`akb capture: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (target.apic.tls?.insecure)
      process.stderr.write(`akb capture: warning: APIC TLS certificate verification is DISABLED (--apic-insecure): ${target.describe}\n`);
    const apic = new ApicClient(target.apic);
    try {
      const { bundle, requests } = await captureBundle({ apic, kubeConfig: target.kubeConfig, fabric: target.fabric, raw: raw === true });
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      if (out) {
        // A capture describes the fabric and the cluster (and with --raw may hold credentials): owner only.
        await writeFile(out, text, { mode: 0o600 });
        await chmod(out, 0o600);
      } else process.stdout.write(text);
      const objects = (section: Record<string, unknown[]>) => Object.values(section).reduce((n, items) => n + items.length, 0);
      process.stderr.write(
        `akb capture: ${target.describe}: ${requests.apic} APIC requests (${objects(bundle.apic)} objects), ` +
          `${requests.kubernetes} Kubernetes requests (${objects(bundle.k8s)} objects)${out ? `; wrote ${out}` : ''}\n`,
      );
    } catch (err) {
      // Unreachable or refusing systems: the clients' messages name the controller or API server and the
      // failure, and are redacted (the APIC client never puts a password or token into an error).
      process.stderr.write(`akb capture: ${target.describe}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    } finally {
      await apic.close();
    }
  });
}
