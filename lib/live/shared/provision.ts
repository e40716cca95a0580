/**
 * The provisioning API between the wizard's pages and the server (`/api/v1/provision/...`): paths, headers and the
 * response shapes, one module imported by both sides. Every state-changing request carries the CSRF token from
 * `GET session` in the `x-akb-csrf` header and must come from the page's own origin. No response ever carries a
 * credential: secrets travel browser → server only, and only in the bodies of discover, review and job requests.
 */

export const PROVISION_API = '/api/v1/provision';
export const CSRF_HEADER = 'x-akb-csrf';
/** The environment variable a spec names (`env:…`) for an APIC password typed into the wizard; held in server memory only. */
export const WIZARD_APIC_PASSWORD_REF = 'env:AKB_WIZARD_APIC_PASSWORD';

export interface ProvisionSession {
  csrfToken: string;
  /** Who the server thinks you are (for the audit line); `local` without UI authentication. */
  user: string;
}

/** One field of the spec as the schema describes it: the one source of the wizard's labels, help and defaults. */
export interface SpecField {
  /** `fabric.tenant`, `fabric.anchorLeaves[].ipv4` (`[]` for any array index). */
  path: string;
  title?: string;
  description?: string;
  default?: unknown;
  type?: string;
  enum?: string[];
  required: boolean;
}

export interface SpecProblem {
  path: string;
  message: string;
}

export interface ValidateResponse {
  ok: boolean;
  problems: SpecProblem[];
  /** Field path → value akb derives when the field is left empty (floating IP, VIP, subnets, cluster AS). */
  derived: Record<string, string>;
}

/** Credentials typed into the wizard; sent with requests that need the APIC, never returned. */
export interface WizardSecrets {
  apicPassword?: string;
}

export interface DiscoverRequest {
  urls: string[];
  username: string;
  password: string;
  /** Path on the server of the PEM file of the APIC's CA (TLS is always verified). */
  caFile?: string;
}

export interface VlanPool {
  dn: string;
  name: string;
  allocMode: string;
  ranges: Array<{ from: number; to: number }>;
}

export interface FabricDiscovery {
  controller: string;
  fabricAsn?: number;
  tenants: string[];
  vrfs: Array<{ tenant: string; name: string; bdEnforced: boolean }>;
  contracts: Array<{ tenant: string; name: string }>;
  physicalDomains: Array<{ name: string; vlanPools: VlanPool[] }>;
  /** Leaves with their vPC peer; `rack` is suggested from the vPC pairing (one pair per rack). */
  leaves: Array<{ nodeId: number; podId: number; name: string; vpcPeer?: number; rack: string }>;
  /** APIC clock minus ours, in ms (signature auth tolerates a few minutes). */
  clockSkewMs?: number;
}

export type ChangeState = 'new' | 'changed' | 'unchanged' | 'deleted';

/** One APIC object of the plan, placed in its tree, with what applying would do to it on the live fabric. */
export interface AciTreeNode {
  dn: string;
  className: string;
  state: ChangeState;
  /** Properties that differ (changed objects). */
  fields?: Array<{ path: string; from?: string; to?: string }>;
  children: AciTreeNode[];
}

export interface ReviewResponse {
  ok: boolean;
  problems: SpecProblem[];
  /** Problems found against the live systems (VLAN not in the domain's pool, VRF missing, ...). */
  preflight: SpecProblem[];
  derived: Record<string, string>;
  aci: AciTreeNode[];
  kubernetes: Array<{ step: string; kind: string; name: string; namespace?: string; state: ChangeState | 'unknown' }>;
  /** cloud-init per node, secrets as placeholders (`{{akb.secret:…}}` shown as ••••). */
  userData: Array<{ node: string; text: string }>;
  changes: number;
  /** The spec as akb plan reads it (YAML) and the plan's files (path → content), for downloads. */
  specYaml: string;
  planFiles: Record<string, string>;
  /** Why the diff against the live systems could not be computed (the tree then shows every object as new). */
  diffError?: string;
}

export interface JobRef {
  cluster: string;
  job: string;
}

export interface JobListEntry extends JobRef {
  command: string;
  startedAt: string;
  finishedAt?: string;
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'declined' | 'running' | 'interrupted';
  steps: number;
  changed: number;
  failed: number;
  error?: string;
  /** Who started it (the audit), when this server started it. */
  user?: string;
}

/** A job event as the engine journals it (`jobEventSchema`); the page reads the fields it shows. */
export interface JobEventView {
  type: string;
  job: string;
  time: string;
  step?: string;
  title?: string;
  steps?: Array<{ id: string; title: string; dependsOn: string[] }>;
  for?: string;
  progress?: { done: number; total: number };
  elapsedMs?: number;
  outcome?: string;
  error?: string;
  message?: string;
  reason?: string;
  changes?: unknown;
}

export function provisionPath(...parts: string[]): string {
  return [PROVISION_API, ...parts.map(encodeURIComponent)].join('/');
}
