/**
 * Makes a bundle safe to hand out as a support bundle: no credentials anywhere.
 *
 * akb reads no Secrets and the APIC classes it queries carry no passwords, so in practice there is
 * little to remove; this is the guarantee that holds even if a resource or class list grows or a
 * cluster object embeds a credential: Secret data, `last-applied-configuration` copies of whole
 * objects, container environment values and `--flag=value` arguments whose names say they are secret,
 * and APIC attributes named like a password or key. Everything else is left exactly as read, so
 * `akb graph` on the support bundle reproduces the live graph.
 */
import type { WireMo } from '../../aci/mo';
import type { Bundle, KubeObject } from '../../topology/bundle-types';

export const REDACTED = '[redacted]';

/** Names of environment variables and flags whose values are credentials (false positives cost little). */
const SECRET_NAME = /pass(word|wd)?|pwd|secret|token|credential|private[-_]?key|api[-_]?key|(^|[-_])key$|auth/i;
/** APIC attributes that hold credentials: exact names only, so no correlation input is ever touched. */
const SECRET_ATTRIBUTE = /^(pwd|passwd|password|key|secret|token|privateKey)$/i;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A deep copy of the bundle with every credential removed or replaced by `[redacted]`. */
export function redactBundle(bundle: Bundle): Bundle {
  const copy = structuredClone(bundle);
  for (const objects of Object.values(copy.k8s)) objects.forEach(redactKubeObject);
  for (const mos of Object.values(copy.apic)) mos.forEach(redactMo);
  return copy;
}

function redactKubeObject(o: KubeObject): void {
  if (o.metadata.annotations?.[LAST_APPLIED] !== undefined) delete o.metadata.annotations[LAST_APPLIED];
  if (o.kind === 'Secret') {
    delete o.data;
    delete o.stringData;
  }
  // Pods keep containers in spec; workloads (DaemonSets) in spec.template.spec.
  for (const podSpec of [asRecord(o.spec), asRecord(asRecord(asRecord(o.spec)?.template)?.spec)]) {
    if (!podSpec) continue;
    for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
      const containers = podSpec[field];
      if (Array.isArray(containers)) containers.forEach(redactContainer);
    }
  }
}

function redactContainer(container: unknown): void {
  const c = asRecord(container);
  if (!c) return;
  if (Array.isArray(c.env)) {
    for (const entry of c.env) {
      const e = asRecord(entry);
      if (e && typeof e.name === 'string' && typeof e.value === 'string' && isSecretName(e.name)) e.value = REDACTED;
    }
  }
  for (const field of ['command', 'args']) {
    const list = c[field];
    if (Array.isArray(list)) c[field] = redactArgs(list);
  }
}

/** `--password=x` → `--password=[redacted]`; `--token x` → `--token [redacted]`. */
export function redactArgs(args: readonly unknown[]): unknown[] {
  return args.map((arg, i) => {
    if (typeof arg !== 'string') return arg;
    const flag = /^(--?[A-Za-z0-9][\w.-]*)=/.exec(arg);
    if (flag?.[1] && isSecretName(flag[1])) return `${flag[1]}=${REDACTED}`;
    const previous = args[i - 1];
    if (
      typeof previous === 'string' &&
      /^--?[A-Za-z]/.test(previous) &&
      !previous.includes('=') &&
      isSecretName(previous) &&
      !arg.startsWith('-')
    )
      return REDACTED;
    return arg;
  });
}

function redactMo(mo: WireMo): void {
  for (const body of Object.values(mo)) {
    if (!body) continue;
    for (const name of Object.keys(body.attributes ?? {})) {
      if (SECRET_ATTRIBUTE.test(name)) body.attributes[name] = REDACTED;
    }
    body.children?.forEach(redactMo);
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
