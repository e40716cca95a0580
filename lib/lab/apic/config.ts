import { moEntry, type WireMo } from '../../aci/mo';
import { ApicError } from './errors';
import { parentDn, rnOf, sameDn, splitDn } from '../../aci/models/dn';
import { canonicalRn, classSpec, namingFromRn, rnFor, unknownClass, validateAttrs, WRITE_ONLY_ATTRS } from './classes';
import type { ApicTree, TreeChange, TreeOp } from './tree';

/**
 * Configuration writes (WIRE.md A3): a nested `{class:{attributes,children}}` payload POSTed to the DN of its root.
 * The whole payload is validated and turned into tree operations first; only then is anything applied, in one
 * batch, so a bad attribute anywhere leaves the tree untouched.
 */

const STATUSES = new Set(['', 'created', 'modified', 'created,modified', 'modified,created', 'deleted']);

/** Parses and validates a config payload for `urlDn`, returning the operations to apply. */
export function planConfig(tree: ApicTree, urlDn: string, payload: unknown, now: Date = new Date()): TreeOp[] {
  if (!isWireMo(payload)) throw malformed('the payload must be one {"<class>":{"attributes":{...}}} object');
  const ops: TreeOp[] = [];
  // DNs this payload creates, so a nested `created` child of a new parent is not mistaken for an existing one.
  const planned = new Set<string>();
  const modTs = now.toISOString().replace('Z', '+00:00');

  const visit = (mo: WireMo, dnFromUrl: string | undefined, parent: string | undefined, path: string): void => {
    const [className, body] = moEntry(mo);
    const where = `${path}${className}`;
    const keys = Object.keys(body);
    if (keys[0] !== 'attributes' && keys.includes('children'))
      throw malformed("Attributes are missing, tag 'attributes' must be specified first, before any other tag");
    if (!classSpec(className)) throw unknownClass(className);
    const rawAttrs: unknown = body.attributes ?? {};
    if (typeof rawAttrs !== 'object' || rawAttrs === null || Array.isArray(rawAttrs))
      throw malformed(`${where}.attributes must be an object`);
    const attrs = rawAttrs as Record<string, unknown>;
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v !== 'string') {
        const shown = WRITE_ONLY_ATTRS.has(k) ? '[redacted]' : String(v);
        throw new ApicError(
          400,
          '801',
          `property ${k} of ${className} failed validation for value '${shown}' (values must be JSON strings)`,
        );
      }
    }
    const given = attrs as Record<string, string>;
    const dn = resolveDn(tree, className, given, dnFromUrl, parent);
    validateAttrs(className, dn, given);
    const status = (given['status'] ?? '').replace(/\s/g, '');
    if (!STATUSES.has(status))
      throw new ApicError(
        400,
        '801',
        `property status of ${dn} failed validation for value '${status}' (allowed: created, modified, created,modified, deleted)`,
      );
    const exists = tree.get(dn) !== undefined || planned.has(dn);
    const existing = tree.get(dn);
    if (existing && existing.className !== className)
      throw new ApicError(
        400,
        '103',
        `Cannot create object ${dn} of class ${className}: an object of class ${existing.className} exists there`,
      );
    if (status === 'deleted') {
      ops.push({ op: 'delete', dn });
      return;
    }
    if (status === 'created' && exists) throw new ApicError(400, '103', `Cannot create object ${dn}: object already exists`);
    if (status === 'modified' && !exists) throw new ApicError(400, '102', `configured object (${dn}) not found`);

    const { dn: _dn, rn: _rn, status: _status, ...settable } = given;
    const naming = namingFromRn(className, rnOf(dn)) ?? {};
    // A re-sent object with nothing new is no change at all: its modTs stays (idempotent applies see "not changed").
    const differs = !existing || Object.entries(settable).some(([k, v]) => existing.attrs[k] !== v);
    const stored: Record<string, string> = exists
      ? { ...settable, ...(differs ? { modTs } : {}) }
      : { ...naming, ...createdDefaults(className), ...settable, modTs };
    ops.push({ op: 'upsert', dn, className, attrs: stored });
    planned.add(dn);
    const children = body.children ?? [];
    if (!Array.isArray(children)) throw malformed(`${where}.children must be an array`);
    children.forEach((child, i) => {
      if (!isWireMo(child)) throw malformed(`${where}.children[${i}] must be one {"<class>":{...}} object`);
      visit(child, undefined, dn, `${where}.children[${i}].`);
    });
  };

  const urlParent = parentDn(urlDn);
  visit(payload, urlDn, urlParent === undefined ? undefined : tree.canonicalDn(urlParent), '');
  return ops;
}

/** Applies a validated plan in one batch; returns the canonical DN of the payload root and the changes (for `rsp-subtree=modified`). */
export function applyConfig(tree: ApicTree, urlDn: string, payload: unknown): { dn: string; changes: TreeChange[] } {
  const ops = planConfig(tree, urlDn, payload);
  return { dn: ops[0]!.dn, changes: tree.apply(ops) };
}

/**
 * An object's canonical DN: the URL's DN for the payload root (which must agree with any `dn`/naming given), else the
 * child's `dn`, or its parent DN + `rn`, or its parent DN + the RN built from its naming properties. Naming values
 * may be written with or without brackets (`lifp-[ip1]` = `lifp-ip1`); the object is stored under the form its
 * class's RN format gives, the one every answer shows.
 */
function resolveDn(
  tree: ApicTree,
  className: string,
  attrs: Record<string, string>,
  dnFromUrl: string | undefined,
  parent: string | undefined,
): string {
  const format = classSpec(className)!.rn;
  const canonical = (rn: string, where: string): string => {
    const c = canonicalRn(className, rn);
    if (c === undefined)
      throw new ApicError(
        400,
        '400',
        `${where} '${rn}' does not name a ${className} (rn format ${format}; a value holding '/' must be bracketed)`,
      );
    return c;
  };
  const under = (rn: string): string => (parent !== undefined ? `${parent}/${rn}` : rn);
  // A payload may also be POSTed to its parent's URL (`/api/mo/uni/infra.json` with a cdpIfPol root, as Ansible's
  // aci_rest examples do): then the URL names an existing object the root's RN does not fit.
  if (dnFromUrl !== undefined && canonicalRn(className, rnOf(dnFromUrl)) === undefined) {
    const urlDn = tree.canonicalDn(dnFromUrl);
    if (tree.holds(urlDn) || urlDn === 'uni') return resolveDn(tree, className, attrs, undefined, urlDn);
  }
  if (dnFromUrl !== undefined) {
    if (attrs['dn'] && !sameDn(attrs['dn'], dnFromUrl))
      throw new ApicError(400, '400', `the payload's dn '${attrs['dn']}' does not match the URL's dn '${dnFromUrl}'`);
    const dn = under(canonical(rnOf(dnFromUrl), "the URL's rn"));
    const fromRn = namingFromRn(className, rnOf(dn))!;
    for (const [prop, v] of Object.entries(fromRn)) {
      if (attrs[prop] !== undefined && attrs[prop] !== v)
        throw new ApicError(400, '400', `${className} ${prop} '${attrs[prop]}' does not match the URL's dn '${dnFromUrl}'`);
    }
    return dn;
  }
  if (attrs['dn']) {
    const given = attrs['dn'];
    const givenParent = parentDn(given);
    if (parent !== undefined && (givenParent === undefined || !sameDn(givenParent, parent)))
      throw new ApicError(400, '400', `child dn '${given}' is not directly below its parent '${parent}'`);
    const at = parent ?? (givenParent === undefined ? undefined : tree.canonicalDn(givenParent));
    const rn = canonical(rnOf(given), 'dn');
    return at !== undefined ? `${at}/${rn}` : rn;
  }
  const rn = attrs['rn'] ? canonical(attrs['rn'], 'rn') : rnFor(className, attrs);
  if (splitDn(rn).length !== 1) throw new ApicError(400, '400', `rn '${rn}' of ${className} must be a single relative name`);
  return under(rn);
}

/**
 * Properties every new configuration object carries (WIRE.md A2.4): ownership `annotation` (Terraform's
 * `orchestrator:terraform`, akb's own) and, on named objects, `nameAlias`; relations (`rs…`) have no alias.
 */
function createdDefaults(className: string): Record<string, string> {
  const relation = classSpec(className)!.rn.startsWith('rs');
  return { annotation: '', childAction: '', extMngdBy: '', lcOwn: 'local', ...(relation ? {} : { nameAlias: '' }) };
}

function isWireMo(v: unknown): v is WireMo {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const body = (v as Record<string, unknown>)[keys[0]!];
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function malformed(why: string): ApicError {
  return new ApicError(400, '400', `invalid data at line '1'. ${why}`);
}
