import { z } from 'zod';
import { parseCidr } from '../../net/ip';
import { listenProblems } from './security/listen-policy';

/**
 * The service's configuration, from command-line flags and environment variables (flags win).
 * With neither a cluster nor an APIC configured the service runs against the embedded lab.
 */
const port = z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535, 'must be a TCP port (0-65535)');

export const serviceConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(3000),
    dev: z.boolean().default(false),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Path to a kubeconfig file; when absent, KUBECONFIG / ~/.kube/config / in-cluster are tried. */
    kubeconfig: z.string().min(1).optional(),
    kubeContext: z.string().min(1).optional(),
    inCluster: z.boolean().default(false),
    /**
     * true: always run the embedded lab; false: never (use KUBECONFIG, ~/.kube/config or in-cluster);
     * unset: run the lab only when no cluster is configured at all.
     */
    lab: z.boolean().optional(),
    /** The lab scenario to play (a shipped name or a YAML file path). */
    labScenario: z.string().min(1).default('demo'),
    /** Play a gentle stream of lab events so the default lab is alive. */
    labDemo: z.boolean().default(true),
    /**
     * Where the embedded lab writes its kubeconfig and APIC connection file, so that kubectl, scripts
     * and tests can talk to the same lab servers the page shows.
     */
    labDir: z.string().min(1).default('.akb/lab'),
    /** APIC controller URLs (https; http only with apicAllowHttp), comma-separated in the environment. */
    apicUrls: z.array(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })).optional(),
    /** Accept plain http:// APIC URLs: the password and session token would cross the network in clear. */
    apicAllowHttp: z.boolean().default(false),
    apicUser: z.string().min(1).optional(),
    /** File holding the APIC password (a mounted Secret); AKB_APIC_PASSWORD is also read. */
    apicPasswordFile: z.string().min(1).optional(),
    /** Certificate authentication: the certificate's name on the APIC user and the private key file. */
    apicCertName: z.string().min(1).optional(),
    apicKeyFile: z.string().min(1).optional(),
    /** PEM bundle of CAs to trust for the APIC; otherwise the system store. */
    apicCaFile: z.string().min(1).optional(),
    /** Skip TLS verification towards the APIC (logged as a warning). */
    apicInsecure: z.boolean().default(false),
    tenant: z.string().min(1).optional(),
    vrf: z.string().min(1).optional(),
    l3out: z.string().min(1).optional(),
    /** UI authentication: none (the default, fine for the local lab), a shared token, HTTP basic, or a header set by an authenticating ingress. */
    uiAuth: z.enum(['none', 'token', 'basic', 'header']).default('none'),
    /** File holding the shared token (uiAuth=token) or `user:password` (uiAuth=basic); AKB_UI_TOKEN / AKB_UI_BASIC also read. */
    uiAuthFile: z.string().min(1).optional(),
    /** The header an authenticating ingress sets (uiAuth=header). */
    uiAuthHeader: z.string().min(1).default('x-forwarded-user'),
    /** The provisioning section (/provision): on unless false; unset means off in-cluster (a dashboard), on elsewhere. */
    provisioner: z.boolean().optional(),
    /** Where the provisioning section keeps each cluster's state directory (`<dir>/<cluster>`), as `akb apply` does. */
    provisionStateDir: z.string().min(1).default('.akb/clusters'),
    /** uiAuth=header: the proxies (CIDRs) whose user header is believed; requests from elsewhere are refused. */
    uiAuthTrustedProxies: z.array(z.string().refine((v) => parseCidr(v) !== null, 'must be CIDRs such as 10.0.0.0/8')).optional(),
    /** uiAuth=header: a file holding a secret the proxy sends in `X-Akb-Proxy-Secret`; AKB_UI_AUTH_PROXY_SECRET also read. */
    uiAuthProxySecretFile: z.string().min(1).optional(),
    /** Serve uiAuth=none on an address other than loopback (anyone who reaches it sees the fabric). */
    allowUnauthenticated: z.boolean().default(false),
    /** Host names (besides loopback) that uiAuth=none answers for; everything else is refused (DNS rebinding). */
    allowedHosts: z.array(z.string().min(1)).optional(),
    /** Origins (scheme://host[:port]) besides akb's own that may open the websocket or send state-changing requests. */
    allowedOrigins: z.array(z.url({ error: 'must be origins such as https://akb.example.com' })).optional(),
    /** Most websocket clients served at once; more are refused with 503. */
    wsMaxClients: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').default(500),
  })
  .strict();

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

type Env = Record<string, string | undefined>;

/** Environment variables the service reads, and the config field each sets. */
export const ENV_VARS: Record<string, keyof ServiceConfig> = {
  AKB_HOST: 'host',
  AKB_PORT: 'port',
  AKB_LOG_LEVEL: 'logLevel',
  AKB_KUBECONFIG: 'kubeconfig',
  AKB_KUBE_CONTEXT: 'kubeContext',
  AKB_IN_CLUSTER: 'inCluster',
  AKB_LAB: 'lab',
  AKB_LAB_SCENARIO: 'labScenario',
  AKB_LAB_DEMO: 'labDemo',
  AKB_LAB_DIR: 'labDir',
  AKB_APIC_URLS: 'apicUrls',
  AKB_APIC_USER: 'apicUser',
  AKB_APIC_PASSWORD_FILE: 'apicPasswordFile',
  AKB_APIC_CERT_NAME: 'apicCertName',
  AKB_APIC_KEY_FILE: 'apicKeyFile',
  AKB_APIC_CA_FILE: 'apicCaFile',
  AKB_APIC_INSECURE: 'apicInsecure',
  AKB_TENANT: 'tenant',
  AKB_VRF: 'vrf',
  AKB_L3OUT: 'l3out',
  AKB_UI_AUTH: 'uiAuth',
  AKB_UI_AUTH_FILE: 'uiAuthFile',
  AKB_UI_AUTH_HEADER: 'uiAuthHeader',
  AKB_PROVISIONER: 'provisioner',
  AKB_PROVISION_STATE_DIR: 'provisionStateDir',
  AKB_UI_AUTH_TRUSTED_PROXIES: 'uiAuthTrustedProxies',
  AKB_UI_AUTH_PROXY_SECRET_FILE: 'uiAuthProxySecretFile',
  AKB_ALLOW_UNAUTHENTICATED: 'allowUnauthenticated',
  AKB_ALLOWED_HOSTS: 'allowedHosts',
  AKB_ALLOWED_ORIGINS: 'allowedOrigins',
  AKB_APIC_ALLOW_HTTP: 'apicAllowHttp',
  AKB_WS_MAX_CLIENTS: 'wsMaxClients',
};

const BOOLEAN_FIELDS = new Set<keyof ServiceConfig>([
  'dev',
  'inCluster',
  'lab',
  'labDemo',
  'apicInsecure',
  'allowUnauthenticated',
  'apicAllowHttp',
  'provisioner',
]);
const LIST_FIELDS = new Set<keyof ServiceConfig>(['apicUrls', 'uiAuthTrustedProxies', 'allowedHosts', 'allowedOrigins']);
const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseBoolean(name: string, value: string, problems: string[]): boolean | undefined {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  problems.push(`${name}: expected true or false, got ${JSON.stringify(value)}`);
  return undefined;
}

/**
 * Merges environment and flag values (flags win) and validates them. Every problem is reported at
 * once, naming the flag or variable it came from.
 */
export function loadServiceConfig(flags: Partial<Record<keyof ServiceConfig, unknown>>, env: Env = process.env): ServiceConfig {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const [name, field] of Object.entries(ENV_VARS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[field] = BOOLEAN_FIELDS.has(field) ? parseBoolean(name, value, problems) : LIST_FIELDS.has(field) ? splitList(value) : value;
    origin[field] = name;
  }
  // PORT is what Next.js, Heroku-style platforms and many PaaS set; AKB_PORT and --port still win.
  if (raw.port === undefined && env.PORT) {
    raw.port = env.PORT;
    origin.port = 'PORT';
  }
  for (const [field, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    // A list flag may be given once, comma-separated, as its variable is.
    raw[field] = LIST_FIELDS.has(field as keyof ServiceConfig) && typeof value === 'string' ? splitList(value) : value;
    origin[field] = field === 'apicUrls' ? '--apic-url' : `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  }
  const parsed = serviceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      const where = origin[field] ?? (field || 'configuration');
      problems.push(issue.code === 'unrecognized_keys' ? `unknown setting(s): ${issue.keys.join(', ')}` : `${where}: ${issue.message}`);
    }
  }
  if (parsed.success) problems.push(...crossFieldProblems(parsed.data, env));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** Settings that are only valid together. */
function crossFieldProblems(c: ServiceConfig, env: Env): string[] {
  const problems: string[] = [];
  if (c.apicUrls?.length) {
    if (!c.apicUser) problems.push('--apic-user (AKB_APIC_USER): required when APIC URLs are given');
    const password = Boolean(c.apicPasswordFile || env.AKB_APIC_PASSWORD);
    const cert = Boolean(c.apicCertName || c.apicKeyFile);
    if (password === cert)
      problems.push(
        'APIC authentication: give either a password (--apic-password-file or AKB_APIC_PASSWORD) or a certificate (--apic-cert-name and --apic-key-file), not both or neither',
      );
    if (cert && !(c.apicCertName && c.apicKeyFile))
      problems.push('certificate authentication needs both --apic-cert-name and --apic-key-file');
    if (!c.tenant || !c.vrf) problems.push("--tenant and --vrf (AKB_TENANT, AKB_VRF): required with an APIC, they name the cluster's VRF");
    const plain = c.apicUrls.filter((u) => u.startsWith('http://'));
    if (plain.length && !c.apicAllowHttp)
      problems.push(
        `--apic-url (AKB_APIC_URLS): ${plain.join(', ')} is plain http, which sends the APIC password and session in clear; use https:// or pass --apic-allow-http (AKB_APIC_ALLOW_HTTP) for a lab`,
      );
  }
  problems.push(...listenProblems(c, env));
  if (c.uiAuth === 'token' && !(c.uiAuthFile || env.AKB_UI_TOKEN)) problems.push('--ui-auth token needs --ui-auth-file or AKB_UI_TOKEN');
  if (c.uiAuth === 'basic' && !(c.uiAuthFile || env.AKB_UI_BASIC))
    problems.push('--ui-auth basic needs --ui-auth-file (user:password) or AKB_UI_BASIC');
  return problems;
}

/**
 * Whether to run the embedded lab. Only an explicit setting points akb at a real cluster (a kubeconfig
 * flag, KUBECONFIG, in-cluster, or --no-lab): a stray ~/.kube/config must not silently replace the lab
 * that `npm start` promises. Inside a pod KUBERNETES_SERVICE_HOST is set, so in-cluster is implied.
 */
export function usesLab(config: ServiceConfig, env: Env = process.env): boolean {
  if (config.lab !== undefined) return config.lab;
  return !config.kubeconfig && !config.inCluster && !config.apicUrls?.length && !env.KUBECONFIG && !env.KUBERNETES_SERVICE_HOST;
}
