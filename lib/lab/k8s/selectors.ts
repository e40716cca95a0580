import type { KubeObject } from '../../k8s/models/object';
import { errors } from './errors';

/**
 * Label and field selectors with the apiserver's grammar (k8s.io/apimachinery labels.Parse, fields.ParseSelector):
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, comma = AND. Parse errors are 400 BadRequest.
 */
export type ObjectPredicate = (obj: KubeObject) => boolean;

type Labels = Record<string, string> | undefined;
type LabelTest = (labels: Labels) => boolean;

/** Splits on commas outside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const SET_TERM = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`);
const EQ_TERM = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const EXISTS_TERM = new RegExp(`^(!?)\\s*(${KEY})$`);

function parseLabelTerm(term: string): LabelTest {
  const set = SET_TERM.exec(term);
  if (set) {
    const key = set[1] as string;
    const values = new Set(
      (set[4] as string)
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    );
    return set[3] === 'in'
      ? (labels) => labels?.[key] !== undefined && values.has(labels[key])
      : (labels) => labels?.[key] === undefined || !values.has(labels[key]);
  }
  const eq = EQ_TERM.exec(term);
  if (eq) {
    const key = eq[1] as string;
    const value = eq[4] ?? '';
    return eq[3] === '!=' ? (labels) => labels?.[key] !== value : (labels) => labels?.[key] === value;
  }
  const exists = EXISTS_TERM.exec(term);
  if (exists) {
    const key = exists[2] as string;
    return exists[1] === '!' ? (labels) => labels?.[key] === undefined : (labels) => labels?.[key] !== undefined;
  }
  throw errors.badRequest(
    `unable to parse requirement: invalid label selector term "${term}" (expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b))`,
  );
}

export function parseLabelSelector(selector: string | undefined): ObjectPredicate {
  if (!selector?.trim()) return () => true;
  const tests = splitTerms(selector).map(parseLabelTerm);
  return (obj) => tests.every((t) => t(obj.metadata.labels));
}

/** Field labels the apiserver supports per resource, beyond metadata.name and metadata.namespace. */
const FIELD_LABELS: Record<string, readonly string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  nodes: ['spec.unschedulable'],
  secrets: ['type'],
  namespaces: ['status.phase'],
  replicasets: ['status.replicas'],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'type',
  ],
};

function fieldValue(obj: KubeObject, path: string): string {
  let value: unknown = obj;
  for (const part of path.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function parseFieldSelector(selector: string | undefined, plural: string): ObjectPredicate {
  if (!selector?.trim()) return () => true;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[plural] ?? [])]);
  const tests = selector.split(',').map((raw): ObjectPredicate => {
    const term = raw.trim();
    const m = /^([A-Za-z0-9.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw errors.badRequest(`invalid field selector term "${term}" (expected field=value, field==value or field!=value)`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    if (!allowed.has(field)) {
      throw errors.badRequest(`field label not supported: ${field} (supported for ${plural}: ${[...allowed].join(', ')})`);
    }
    return op === '!=' ? (obj) => fieldValue(obj, field) !== value : (obj) => fieldValue(obj, field) === value;
  });
  return (obj) => tests.every((t) => t(obj));
}
