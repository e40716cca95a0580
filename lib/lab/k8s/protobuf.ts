import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { errors } from './errors';

/**
 * Kubernetes' protobuf request bodies, as client-go's typed clients send them (`kubectl create …`, `kubectl run`):
 * the 4-byte magic `k8s\0`, then a `runtime.Unknown` whose `typeMeta` names the object's apiVersion and kind and
 * whose `raw` is the object's own protobuf encoding. The schemas are Kubernetes' generated.proto, trimmed to the
 * lab's built-in types (proto/). Decoding yields the object as the apiserver's JSON would show it, so everything
 * after the body parser (validation, the store, answers in JSON) is the same for both encodings.
 */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from('k8s\0', 'latin1');
const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'proto');
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** API group → the proto package segment under k8s.io.api (core is the legacy group ""). */
const GROUP_PACKAGES: Record<string, string> = {
  '': 'core',
  apps: 'apps',
  'rbac.authorization.k8s.io': 'rbac',
  'networking.k8s.io': 'networking',
  'coordination.k8s.io': 'coordination',
  'discovery.k8s.io': 'discovery',
  'events.k8s.io': 'events',
  policy: 'policy',
  autoscaling: 'autoscaling',
};
/** The proto package segment → its API group (for OpenAPI's x-kubernetes-group-version-kind). */
export const GROUP_OF_PACKAGE: Record<string, string> = Object.fromEntries(Object.entries(GROUP_PACKAGES).map(([g, p]) => [p, g]));
const PROTO_FILES = [
  ...new Set(Object.values(GROUP_PACKAGES).map((p) => `k8s.io/api/${p}/v1/generated.proto`)),
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
];

let root: protobuf.Root | undefined;
function schemas(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  // Comments are the field documentation (OpenAPI descriptions, `kubectl explain`).
  r.loadSync(PROTO_FILES, { keepCase: true, alternateCommentMode: true });
  r.resolveAll();
  root = r;
  return r;
}

export function isProtobuf(contentType: string): boolean {
  return (contentType.split(';')[0]?.trim() ?? '') === PROTOBUF_MEDIA_TYPE;
}

/** The message type of `apiVersion`/`kind`, or undefined when the lab has no schema for it. */
export function builtinMessageType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  const pkg = kind === 'DeleteOptions' ? META : GROUP_PACKAGES[group] && `k8s.io.api.${GROUP_PACKAGES[group]}.${version}`;
  if (!pkg || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const found = schemas().lookup(`${pkg}.${kind}`);
  return found instanceof protobuf.Type ? found : undefined;
}

/** Decodes a `k8s\0` + runtime.Unknown body into the object's JSON form, apiVersion and kind included. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC))
    throw errors.badRequest('the protobuf body does not start with the Kubernetes magic "k8s\\x00"');
  const unknownType = schemas().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array; contentEncoding?: string };
  try {
    envelope = unknownType.decode(body.subarray(MAGIC.length)) as typeof envelope;
  } catch {
    throw errors.badRequest('the protobuf body is not a valid runtime.Unknown envelope');
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  if (envelope.contentEncoding) throw errors.badRequest(`protobuf content encoding "${envelope.contentEncoding}" is not supported`);
  const type = builtinMessageType(apiVersion, kind);
  if (!type)
    throw errors.unsupportedMediaType(`${PROTOBUF_MEDIA_TYPE} (${apiVersion}, Kind=${kind})`, [
      'application/json',
      'application/yaml',
      `${PROTOBUF_MEDIA_TYPE} for built-in kinds`,
    ]);
  let message: protobuf.Message;
  try {
    message = type.decode(envelope.raw ?? new Uint8Array());
  } catch {
    throw errors.badRequest(`the protobuf body is not a valid ${apiVersion} ${kind}`);
  }
  return { apiVersion, kind, ...(toJson(type, message) as Record<string, unknown>) };
}

type Long = { toNumber(): number };
const isLong = (v: unknown): v is Long => typeof v === 'object' && v !== null && 'low' in v && 'high' in v;
const num = (v: unknown): number => (isLong(v) ? v.toNumber() : Number(v));

/** Go's RFC 3339 forms: metav1.Time has whole seconds, metav1.MicroTime six fraction digits. */
function time(seconds: unknown, nanos: unknown, micro: boolean): string | undefined {
  const s = num(seconds ?? 0);
  const n = num(nanos ?? 0);
  if (s === 0 && n === 0) return undefined; // the zero time is marshalled as an empty message: JSON null
  const iso = new Date(s * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(n / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

/** Go's time.Duration.String(), which metav1.Duration uses in JSON ("1h2m3s", "1.5s", "300ms", "0s"). */
export function goDuration(nanos: number): string {
  if (nanos === 0) return '0s';
  const sign = nanos < 0 ? '-' : '';
  let n = Math.abs(nanos);
  if (n < 1e9) {
    const [unit, scale] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${String(n / (scale as number))}${unit as string}`;
  }
  const h = Math.floor(n / 3.6e12);
  n -= h * 3.6e12;
  const m = Math.floor(n / 6e10);
  n -= m * 6e10;
  const s = `${String(n / 1e9)}s`;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}`;
}

function parseRaw(raw: unknown): unknown {
  const bytes = raw instanceof Uint8Array ? Buffer.from(raw) : Buffer.alloc(0);
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw errors.badRequest('an embedded raw object of the protobuf body is not JSON');
  }
}

/** The JSON forms of the apimachinery types that do not marshal as plain objects. */
function special(type: protobuf.Type, m: Record<string, unknown>): { value: unknown } | undefined {
  switch (type.fullName) {
    case `.${META}.Time`:
      return { value: time(m.seconds, m.nanos, false) };
    case `.${META}.MicroTime`:
      return { value: time(m.seconds, m.nanos, true) };
    case `.${META}.Duration`:
      return { value: goDuration(num(m.duration ?? 0)) };
    case `.${META}.FieldsV1`:
      return { value: parseRaw(m.Raw) };
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
      return { value: parseRaw(m.raw) };
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { value: m.string };
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return { value: num(m.type ?? 0) === 1 ? (m.strVal ?? '') : num(m.intVal ?? 0) };
    default:
      return undefined;
  }
}

function scalar(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return isLong(value) ? value.toNumber() : value;
}

const isZero = (v: unknown): boolean => v === '' || v === 0 || v === false || (isLong(v) && v.toNumber() === 0);

/**
 * Go's generated marshallers write every non-pointer field, set or not: a zero there is what `omitempty` leaves
 * out of the JSON, so it is dropped; a pointer scalar (marked `(akb.go_pointer)`) is on the wire only when set,
 * so its zero (`replicas: 0`, `runAsUser: 0`) is kept. Fields of embedded structs (`(akb.go_inline)`) join their
 * parent's, as encoding/json inlines them.
 */
function toJson(type: protobuf.Type, message: protobuf.Message): unknown {
  const m = message as unknown as Record<string, unknown>;
  const sp = special(type, m);
  if (sp) return sp.value;
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(m, field.name)) continue;
    const value = m[field.name];
    if (value === undefined || value === null) continue;
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const convert = (v: unknown): unknown => (sub ? toJson(sub, v as protobuf.Message) : scalar(v));
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length) out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, convert(v)]));
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length) out[field.name] = items.map(convert);
    } else if (sub) {
      const converted = convert(value);
      // An embedded Go struct (Probe's handler, Volume's source) is flattened into its parent in JSON.
      if (field.options?.['(akb.go_inline)'] === true) Object.assign(out, converted);
      else if (converted !== undefined) out[field.name] = converted;
    } else if (!isZero(value) || field.options?.['(akb.go_pointer)'] === true) {
      out[field.name] = scalar(value);
    }
  }
  return out;
}

/** Encodes an object as client-go would (for tests of the decoder; the lab itself answers in JSON). */
export function encodeProtobufObject(apiVersion: string, kind: string, message: Record<string, unknown>): Buffer {
  const type = builtinMessageType(apiVersion, kind);
  if (!type) throw new Error(`no protobuf schema for ${apiVersion} ${kind}`);
  const unknownType = schemas().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const raw = type.encode(type.fromObject(message)).finish();
  const envelope = unknownType.encode(unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish();
  return Buffer.concat([MAGIC, envelope]);
}
