import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/**
 * What `kubeadm config validate` checks, as the lab's node mimic applies it to the configuration a machine was
 * given: known API versions and kinds, no unknown fields (kubeadm decodes strictly), the bootstrap token's
 * form, the CA hash's form, the endpoint's form. Errors are worded as kubeadm words them. This is the lab's own
 * reading of kubeadm's rules, written apart from the code that produces the configuration, so a mistake there
 * fails here.
 */

export const KUBEADM_API = 'kubeadm.k8s.io/v1beta4';
const KUBEADM_ACCEPTED = ['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4'];
const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const TOKEN_FORM = '\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z';

const arg = z.strictObject({ name: z.string(), value: z.string() });
const nodeRegistration = z.strictObject({
  name: z.string().optional(),
  criSocket: z.string().optional(),
  taints: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
  kubeletExtraArgs: z.array(arg).optional(),
  ignorePreflightErrors: z.array(z.string()).optional(),
  imagePullPolicy: z.string().optional(),
});
const apiEndpoint = z.strictObject({ advertiseAddress: z.string().optional(), bindPort: z.number().int().optional() });

const bootstrapToken = z.strictObject({
  token: z.string(),
  description: z.string().optional(),
  ttl: z.string().optional(),
  expires: z.string().optional(),
  usages: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
});

const initConfiguration = z.strictObject({
  apiVersion: z.string(),
  kind: z.literal('InitConfiguration'),
  bootstrapTokens: z.array(bootstrapToken).optional(),
  certificateKey: z.string().optional(),
  localAPIEndpoint: apiEndpoint.optional(),
  nodeRegistration: nodeRegistration.optional(),
  skipPhases: z.array(z.string()).optional(),
  patches: z.strictObject({ directory: z.string() }).optional(),
});

const controlPlaneComponent = z.strictObject({
  extraArgs: z.array(arg).optional(),
  certSANs: z.array(z.string()).optional(),
  extraVolumes: z.array(z.record(z.string(), z.unknown())).optional(),
  extraEnvs: z.array(z.record(z.string(), z.unknown())).optional(),
});

const clusterConfiguration = z.strictObject({
  apiVersion: z.string(),
  kind: z.literal('ClusterConfiguration'),
  clusterName: z.string().optional(),
  kubernetesVersion: z.string().optional(),
  controlPlaneEndpoint: z.string().optional(),
  networking: z
    .strictObject({ podSubnet: z.string().optional(), serviceSubnet: z.string().optional(), dnsDomain: z.string().optional() })
    .optional(),
  apiServer: controlPlaneComponent.optional(),
  controllerManager: controlPlaneComponent.optional(),
  scheduler: controlPlaneComponent.optional(),
  etcd: z.record(z.string(), z.unknown()).optional(),
  certificatesDir: z.string().optional(),
  imageRepository: z.string().optional(),
});

const joinConfiguration = z.strictObject({
  apiVersion: z.string(),
  kind: z.literal('JoinConfiguration'),
  caCertPath: z.string().optional(),
  discovery: z.strictObject({
    bootstrapToken: z
      .strictObject({
        apiServerEndpoint: z.string(),
        token: z.string(),
        caCertHashes: z.array(z.string()).optional(),
        unsafeSkipCAVerification: z.boolean().optional(),
      })
      .optional(),
    file: z.strictObject({ kubeConfigPath: z.string() }).optional(),
    tlsBootstrapToken: z.string().optional(),
    timeout: z.string().optional(),
  }),
  controlPlane: z.strictObject({ localAPIEndpoint: apiEndpoint.optional(), certificateKey: z.string().optional() }).optional(),
  nodeRegistration: nodeRegistration.optional(),
  skipPhases: z.array(z.string()).optional(),
});

export type InitConfiguration = z.infer<typeof initConfiguration>;
export type ClusterConfiguration = z.infer<typeof clusterConfiguration>;
export type JoinConfiguration = z.infer<typeof joinConfiguration>;

export interface KubeadmConfig {
  init?: InitConfiguration;
  cluster?: ClusterConfiguration;
  join?: JoinConfiguration;
}

export class KubeadmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeadmError';
  }
}

function decode<T>(schema: z.ZodType<T>, doc: Record<string, unknown>, kind: string, apiVersion: string): T {
  const r = schema.safeParse(doc);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const [group, version] = apiVersion.split('/');
  const gvk = `schema.GroupVersionKind{Group:"${group}", Version:"${version}", Kind:"${kind}"}`;
  if (issue?.code === 'unrecognized_keys')
    throw new KubeadmError(
      `error unmarshaling configuration ${gvk}: strict decoding error: unknown field "${[...issue.path, issue.keys[0]].join('.')}"`,
    );
  throw new KubeadmError(`error unmarshaling configuration ${gvk}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
}

function validHostPort(endpoint: string): boolean {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(endpoint);
  return m !== null && Number(m[2]) > 0 && Number(m[2]) < 65536;
}

/** kubeadm's token rule (bootstraputil.IsValidBootstrapToken). */
export function checkToken(field: string, token: string): void {
  if (TOKEN.test(token)) return;
  // kubeadm prints the token; the lab shows at most its ID, since a mistyped token may still be mostly secret.
  const shown = token.includes('.') ? token.replace(/\..*/, '.<redacted>') : '<redacted>';
  throw new KubeadmError(`${field}: Invalid value: "${shown}": the bootstrap token "${shown}" was not of the form "${TOKEN_FORM}"`);
}

function checkHashes(hashes: string[]): void {
  for (const h of hashes) {
    const [format, hex] = h.includes(':') ? h.split(':', 2) : ['', h];
    if (format !== 'sha256')
      throw new KubeadmError(`invalid hash "${h}", expected a "sha256" hash: unknown hash format "${format}". Known format(s) are: sha256`);
    if (!/^[0-9a-f]{64}$/.test(hex ?? ''))
      throw new KubeadmError(
        `invalid hash "${h}", expected a "sha256" hash: expected a 32 byte SHA-256 hash, found ${Math.floor((hex ?? '').length / 2)} bytes`,
      );
  }
}

function checkCertificateKey(field: string, key: string | undefined): void {
  if (key !== undefined && !/^[0-9a-f]{64}$/.test(key))
    throw new KubeadmError(`${field}: Invalid value: "<redacted>": certificate key must be a hex encoded 32 byte key`);
}

/** Parses and validates a kubeadm configuration file as `kubeadm config validate --config` does. */
export function validateKubeadmConfig(text: string): KubeadmConfig {
  const out: KubeadmConfig = {};
  for (const d of parseAllDocuments(text)) {
    if (d.errors.length > 0) throw new KubeadmError(`error converting YAML to JSON: ${d.errors[0]?.message ?? 'invalid YAML'}`);
    const doc = d.toJSON() as Record<string, unknown> | null;
    if (doc === null) continue;
    const apiVersion = String(doc.apiVersion ?? '');
    const kind = String(doc.kind ?? '');
    if (!kind) throw new KubeadmError("Object 'Kind' is missing in a document of the configuration");
    if (apiVersion.startsWith('kubelet.config.k8s.io/') || apiVersion.startsWith('kubeproxy.config.k8s.io/')) continue; // component configs
    if (!KUBEADM_ACCEPTED.includes(apiVersion))
      throw new KubeadmError(
        `no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"`,
      );
    if (kind === 'InitConfiguration') out.init = decode(initConfiguration, doc, kind, apiVersion);
    else if (kind === 'ClusterConfiguration') out.cluster = decode(clusterConfiguration, doc, kind, apiVersion);
    else if (kind === 'JoinConfiguration') out.join = decode(joinConfiguration, doc, kind, apiVersion);
    else
      throw new KubeadmError(
        `no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"`,
      );
  }
  if (out.join && (out.init || out.cluster))
    throw new KubeadmError('invalid configuration: JoinConfiguration cannot be mixed with InitConfiguration or ClusterConfiguration');
  if (!out.join && !out.init && !out.cluster)
    throw new KubeadmError('no InitConfiguration, ClusterConfiguration or JoinConfiguration found in the configuration');
  out.init?.bootstrapTokens?.forEach((t, i) => checkToken(`bootstrapTokens[${i}].token`, t.token));
  checkCertificateKey('certificateKey', out.init?.certificateKey);
  const cp = out.cluster?.controlPlaneEndpoint;
  if (cp !== undefined && !validHostPort(cp)) throw new KubeadmError(`controlPlaneEndpoint: Invalid value: "${cp}": must be a host:port`);
  if (out.join) {
    const bt = out.join.discovery.bootstrapToken;
    if (!bt && !out.join.discovery.file) throw new KubeadmError('discovery: Invalid value: "": bootstrapToken or file must be set');
    if (bt) {
      checkToken('discovery.bootstrapToken.token', bt.token);
      if (!validHostPort(bt.apiServerEndpoint))
        throw new KubeadmError(
          `discovery.bootstrapToken.apiServerEndpoint: Invalid value: "${bt.apiServerEndpoint}": address ${bt.apiServerEndpoint}: missing port in address`,
        );
      if ((bt.caCertHashes ?? []).length === 0 && bt.unsafeSkipCAVerification !== true)
        throw new KubeadmError(
          'discovery.bootstrapToken.caCertHashes: Invalid value: []: using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue',
        );
      checkHashes(bt.caCertHashes ?? []);
    }
    checkCertificateKey('controlPlane.certificateKey', out.join.controlPlane?.certificateKey);
  }
  return out;
}

/** Go duration ("2h0m0s", "15m", "24h") in milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += n * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'h' | 'm' | 's' | 'ms'] ?? 0);
    consumed += m[0].length;
  }
  return consumed === text.length && text.length > 0 ? total : undefined;
}
