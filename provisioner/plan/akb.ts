import type { ResolvedSpec } from '../spec/defaults';
import { EXAMPLE_INGRESS, loadDeployFiles, type DeployFiles } from './akb-deploy-files';
import { parseDeployObjects, renderKustomization, type Overlay } from './akb-kustomize';
import { manifest, type Manifest } from './manifest';
import { secretPlaceholder, type SecretUse } from './secrets';

/**
 * The visualiser's install objects: deploy/base rendered with the spec's values, exactly as the example
 * overlay (deploy/overlays/example) applies a site's values, so the provisioner installs akb from the
 * same files a user applies by hand. One documented difference from `kubectl kustomize`: the two
 * Secrets carry placeholders instead of values (filled at apply time), so their names carry no content
 * hash (a hash of a password in a plan file would let anyone with the file test guesses against it).
 */

// Where deploy/base mounts the two Secrets (volumes apic-credentials and ui-auth).
const APIC_SECRET = { name: 'akb-apic-credentials', dir: '/var/run/secrets/akb/apic' };
const UI_SECRET = { name: 'akb-ui-auth', dir: '/var/run/secrets/akb/ui' };
/** The generator in deploy/base/kustomization.yaml that holds the container's environment. */
const CONFIG_GENERATOR = 'akb-config';
/** The image name deploy/base/deployment.yaml uses, replaced by `visualiser.image`. */
const BASE_IMAGE = 'akb';

/** Placeholder names of the secrets the akb manifests use (see secrets.ts). */
export const AKB_SECRETS = { apicPassword: 'apic-password', apicKey: 'apic-key', uiToken: 'ui-token' } as const;

export function akbManifests(r: ResolvedSpec, files: DeployFiles = loadDeployFiles()): Manifest[] {
  if (!r.spec.cluster.visualiser.enabled) return [];
  return renderKustomization(files, 'base', akbOverlay(r, files));
}

/** The secrets the akb manifests carry as placeholders, for the plan's secret list and the applier. */
export function akbSecretUses(r: ResolvedSpec): SecretUse[] {
  if (!r.spec.cluster.visualiser.enabled) return [];
  const apic = r.spec.fabric.apic;
  return [
    apic.certificateName !== undefined
      ? { name: AKB_SECRETS.apicKey, source: apic.credentials, usedBy: `akb's APIC private key (Secret ${APIC_SECRET.name})` }
      : { name: AKB_SECRETS.apicPassword, source: apic.credentials, usedBy: `akb's APIC password (Secret ${APIC_SECRET.name})` },
    { name: AKB_SECRETS.uiToken, source: 'generated at apply time', usedBy: `akb UI token (Secret ${UI_SECRET.name})` },
  ];
}

/** The example overlay's operations with the spec's values. */
function akbOverlay(r: ResolvedSpec, files: DeployFiles): Overlay {
  const { fabric: f, cluster: c } = r.spec;
  const cert = f.apic.certificateName;
  const config: Record<string, string> = {
    AKB_APIC_URLS: f.apic.urls.join(','),
    AKB_APIC_USER: f.apic.username,
    ...(cert !== undefined
      ? { AKB_APIC_CERT_NAME: cert, AKB_APIC_KEY_FILE: `${APIC_SECRET.dir}/key` }
      : { AKB_APIC_PASSWORD_FILE: `${APIC_SECRET.dir}/password` }),
    // akb's tenant is the VRF's: the switches name the VRF dom-<tenant>:<vrf>, and the floating L3Out's
    // endpoints live under the VRF (uni/tn-<tenant>/ctx-<vrf>), which may be in common.
    AKB_TENANT: f.vrf.tenant ?? f.tenant,
    AKB_VRF: f.vrf.name,
    AKB_L3OUT: f.l3out.name,
  };
  const secret = (name: string, key: string, placeholder: string) =>
    manifest('v1', 'Secret', { name }, { type: 'Opaque', stringData: { [key]: secretPlaceholder(placeholder) } });
  const resources: Manifest[] = [
    cert !== undefined
      ? secret(APIC_SECRET.name, 'key', AKB_SECRETS.apicKey)
      : secret(APIC_SECRET.name, 'password', AKB_SECRETS.apicPassword),
    secret(UI_SECRET.name, 'token', AKB_SECRETS.uiToken),
  ];
  const host = c.visualiser.ingressHost;
  if (host !== undefined) resources.push(...parseDeployObjects(files, EXAMPLE_INGRESS).map((o) => withHost(o, host)));
  return { resources, images: { [BASE_IMAGE]: c.visualiser.image }, configMapMerge: { [CONFIG_GENERATOR]: config } };
}

interface IngressSpec {
  tls?: Array<{ hosts?: string[] }>;
  rules?: Array<{ host?: string }>;
}

/** The example Ingress for another host name: every rule and TLS entry names the spec's host. */
function withHost(ingress: Manifest, host: string): Manifest {
  const spec = ingress.spec as IngressSpec | undefined;
  if (ingress.kind !== 'Ingress' || !spec?.rules?.length) throw new Error(`deploy/${EXAMPLE_INGRESS}: expected an Ingress with rules`);
  for (const rule of spec.rules) rule.host = host;
  for (const tls of spec.tls ?? []) tls.hosts = [host];
  return ingress;
}
