import { formatProps, matchRnFormat, rnFromFormat } from '../../aci/models/dn';
import { parseIp } from '../../net/ip';
import { ApicError } from './errors';

/**
 * The lab's class registry: how each class names its children (RN format, from the APIC model reference /
 * real DNs in WIRE.md A5 and NKT.md §2.3-2.4) and, for configuration classes, which attributes exist and what
 * values they accept. Read-only (operational) classes are "open": any attribute is accepted, so the lab model can
 * load realistic records without the registry knowing every field.
 */

export type AttrType =
  | 'string'
  | 'name' // APIC object name: [A-Za-z0-9_.:-]{1,64}
  | 'ip' // address, optional /len
  | 'dn'
  | { enum: readonly string[] }
  | { flags: readonly string[] } // comma list of flags, '' allowed
  | { int: readonly [number, number]; also?: readonly string[] };

export interface ClassSpec {
  /** RN template; `{prop}` is replaced by the value of a naming property. */
  rn: string;
  /** Settable attributes beyond the common ones; undefined = open (any attribute accepted). */
  attrs?: Readonly<Record<string, AttrType>>;
}

const YES_NO = { enum: ['yes', 'no'] } as const;
const EN_DIS = { enum: ['enabled', 'disabled'] } as const;
const VMM_SEC = { enum: ['Enabled', 'Disabled'] } as const;
const SCOPE_FLAGS = { flags: ['import-security', 'export-rtctrl', 'import-rtctrl', 'shared-rtctrl', 'shared-security'] } as const;

/** Attributes every policy MO accepts on POST. */
const COMMON: Readonly<Record<string, AttrType>> = {
  annotation: 'string',
  descr: 'string',
  name: 'name',
  nameAlias: 'string',
  ownerKey: 'string',
  ownerTag: 'string',
  userdom: 'string',
  childAction: 'string',
  extMngdBy: 'string',
  dn: 'dn',
  rn: 'string',
  status: 'string',
};

const rel = (rn: string, target: string): ClassSpec => ({ rn, attrs: { [target]: 'string', tDn: 'dn' } });

const CONFIG: Record<string, ClassSpec> = {
  polUni: { rn: 'uni', attrs: {} },
  infraInfra: { rn: 'infra', attrs: {} },
  fabricInst: { rn: 'fabric', attrs: {} },
  /** The fabric's BGP policy: its `as` child (bgpAsP) is the fabric AS, its route reflectors the spines. */
  bgpInstPol: { rn: 'bgpInstP-{name}', attrs: {} },
  // Configuration snapshots and rollback (APPLY.md §2; Cisco's aci_config_snapshot / aci_config_rollback modules).
  configExportP: {
    rn: 'configexp-{name}',
    attrs: {
      adminSt: { enum: ['untriggered', 'triggered'] },
      snapshot: YES_NO,
      targetDn: 'dn',
      format: { enum: ['json', 'xml'] },
      includeSecureFields: YES_NO,
      maxSnapshotCount: { int: [1, 10], also: ['global-limit'] },
    },
  },
  configImportP: {
    rn: 'configimp-{name}',
    attrs: {
      adminSt: { enum: ['untriggered', 'triggered'] },
      snapshot: YES_NO,
      fileName: 'string',
      importType: { enum: ['merge', 'replace'] },
      importMode: { enum: ['atomic', 'best-effort'] },
      failOnDecryptErrors: YES_NO,
    },
  },
  /** Written by the APIC when a snapshot is taken; users only retire one (`retire: yes`). */
  configSnapshot: { rn: 'snapshot-{name}', attrs: { retire: YES_NO } },
  fvTenant: { rn: 'tn-{name}', attrs: {} },
  fvCtx: {
    rn: 'ctx-{name}',
    attrs: {
      pcEnfPref: { enum: ['enforced', 'unenforced'] },
      pcEnfDir: { enum: ['ingress', 'egress'] },
      bdEnforcedEnable: YES_NO,
      ipDataPlaneLearning: EN_DIS,
      knwMcastAct: { enum: ['permit', 'deny'] },
    },
  },
  fvBD: { rn: 'BD-{name}', attrs: { arpFlood: YES_NO, unicastRoute: YES_NO, mac: 'string' } },
  fvRsCtx: rel('rsctx', 'tnFvCtxName'),
  fvSubnet: { rn: 'subnet-[{ip}]', attrs: { ip: 'ip', scope: { flags: ['public', 'private', 'shared'] } } },
  fvAp: { rn: 'ap-{name}', attrs: {} },
  fvAEPg: { rn: 'epg-{name}', attrs: { prefGrMemb: { enum: ['include', 'exclude'] }, pcEnfPref: { enum: ['enforced', 'unenforced'] } } },
  fvRsBd: rel('rsbd', 'tnFvBDName'),
  fvRsDomAtt: { rn: 'rsdomAtt-[{tDn}]', attrs: { tDn: 'dn', encap: 'string', resImedcy: 'string', instrImedcy: 'string' } },
  fvRsProv: { rn: 'rsprov-{tnVzBrCPName}', attrs: { tnVzBrCPName: 'string', prio: 'string', matchT: 'string' } },
  fvRsCons: { rn: 'rscons-{tnVzBrCPName}', attrs: { tnVzBrCPName: 'string', prio: 'string' } },
  fvRsCtxToBgpCtxAfPol: {
    rn: 'rsctxToBgpCtxAfPol-[{tnBgpCtxAfPolName}]-{af}',
    attrs: { tnBgpCtxAfPolName: 'string', af: { enum: ['ipv4-ucast', 'ipv6-ucast'] } },
  },
  vzBrCP: {
    rn: 'brc-{name}',
    attrs: { scope: { enum: ['context', 'global', 'tenant', 'application-profile'] }, prio: 'string', targetDscp: 'string' },
  },
  vzSubj: { rn: 'subj-{name}', attrs: { revFltPorts: YES_NO, consMatchT: 'string', provMatchT: 'string', prio: 'string' } },
  vzRsSubjFiltAtt: rel('rssubjFiltAtt-{tnVzFilterName}', 'tnVzFilterName'),
  l3extOut: { rn: 'out-{name}', attrs: { enforceRtctrl: { flags: ['export', 'import'] }, targetDscp: 'string' } },
  l3extRsEctx: rel('rsectx', 'tnFvCtxName'),
  l3extRsL3DomAtt: rel('rsl3DomAtt', 'tDn'),
  bgpExtP: { rn: 'bgpExtP', attrs: {} },
  l3extLNodeP: { rn: 'lnodep-{name}', attrs: { tag: 'string', targetDscp: 'string' } },
  l3extRsNodeL3OutAtt: { rn: 'rsnodeL3OutAtt-[{tDn}]', attrs: { tDn: 'dn', rtrId: 'ip', rtrIdLoopBack: YES_NO, configIssues: 'string' } },
  ipRouteP: { rn: 'rt-[{ip}]', attrs: { ip: 'ip', pref: { int: [1, 255] }, rtCtrl: 'string', aggregate: YES_NO } },
  ipNexthopP: {
    rn: 'nh-[{nhAddr}]',
    attrs: { nhAddr: 'ip', pref: { int: [0, 255], also: ['unspecified'] }, type: { enum: ['prefix', 'none'] } },
  },
  l3extLIfP: { rn: 'lifp-{name}', attrs: { tag: 'string', prio: 'string' } },
  l3extVirtualLIfP: {
    rn: 'vlifp-[{nodeDn}]-[{encap}]',
    attrs: {
      nodeDn: 'dn',
      encap: 'string',
      addr: 'ip',
      autostate: EN_DIS,
      encapScope: { enum: ['local', 'ctx'] },
      ifInstT: { enum: ['ext-svi', 'l3-port', 'sub-interface', 'unspecified'] },
      ipv6Dad: EN_DIS,
      llAddr: 'string',
      mac: 'string',
      mode: { enum: ['regular', 'native', 'untagged'] },
      mtu: { int: [576, 9216], also: ['inherit'] },
      targetDscp: 'string',
    },
  },
  l3extRsDynPathAtt: {
    rn: 'rsdynPathAtt-[{tDn}]',
    attrs: { tDn: 'dn', floatingAddr: 'ip', encap: 'string', forgedTransmit: VMM_SEC, macChange: VMM_SEC, promMode: VMM_SEC },
  },
  l3extIp: { rn: 'addr-[{addr}]', attrs: { addr: 'ip', ipv6Dad: EN_DIS } },
  bgpPeerP: {
    rn: 'peerP-[{addr}]',
    attrs: {
      addr: 'ip',
      password: 'string',
      addrTCtrl: { flags: ['af-ucast', 'af-mcast'] },
      adminSt: EN_DIS,
      allowedSelfAsCnt: { int: [1, 10] },
      ctrl: { flags: ['allow-self-as', 'as-override', 'dis-peer-as-check', 'nh-self', 'send-com', 'send-ext-com', 'send-domain-path'] },
      ctrlExt: 'string',
      peerCtrl: { flags: ['bfd', 'dis-conn-check'] },
      privateASctrl: { flags: ['remove-all', 'remove-exclusive', 'replace-as'] },
      ttl: { int: [1, 255] },
      weight: { int: [0, 65535] },
      sessionT: 'string',
    },
  },
  bgpAsP: { rn: 'as', attrs: { asn: { int: [1, 4294967295] } } },
  bgpLocalAsnP: {
    rn: 'localasn',
    attrs: { localAsn: { int: [1, 4294967295] }, asnPropagate: { enum: ['none', 'no-prepend', 'replace-as', 'dual-as'] } },
  },
  bgpRsPeerPfxPol: rel('rspeerPfxPol', 'tnBgpPeerPfxPolName'),
  bgpPeerPfxPol: {
    rn: 'bgpPfxP-{name}',
    attrs: {
      maxPfx: { int: [1, 300000] },
      action: { enum: ['log', 'reject', 'restart', 'shut'] },
      thresh: { int: [1, 100] },
      restartTime: { int: [1, 65535], also: ['infinite'] },
    },
  },
  bgpCtxPol: {
    rn: 'bgpCtxP-{name}',
    attrs: {
      kaIntvl: { int: [0, 3600] },
      holdIntvl: { int: [0, 3600] },
      staleIntvl: { int: [1, 3600], also: ['default'] },
      grCtrl: { flags: ['helper'] },
      maxAsLimit: { int: [0, 2000] },
      grStalePathTimer: 'string',
    },
  },
  bgpCtxAfPol: {
    rn: 'bgpCtxAfP-{name}',
    attrs: {
      maxEcmp: { int: [1, 64] },
      maxEcmpIbgp: { int: [1, 64] },
      eDist: { int: [1, 255] },
      iDist: { int: [1, 255] },
      localDist: { int: [1, 255] },
      maxLocalEcmp: { int: [0, 64] },
    },
  },
  bgpBestPathCtrlPol: { rn: 'bestpath-{name}', attrs: { ctrl: { flags: ['asPathMultipathRelax'] } } },
  bgpProtP: { rn: 'protp', attrs: {} },
  bgpRsBgpNodeCtxPol: rel('rsbgpNodeCtxPol', 'tnBgpCtxPolName'),
  bgpRsBestPathCtrlPol: rel('rsbestPathCtrlPol', 'tnBgpBestPathCtrlPolName'),
  l3extInstP: {
    rn: 'instP-{name}',
    attrs: { prefGrMemb: { enum: ['include', 'exclude'] }, prio: 'string', targetDscp: 'string', floodOnEncap: EN_DIS, matchT: 'string' },
  },
  l3extSubnet: {
    rn: 'extsubnet-[{ip}]',
    attrs: { ip: 'ip', scope: SCOPE_FLAGS, aggregate: { flags: ['export-rtctrl', 'import-rtctrl', 'shared-rtctrl'] } },
  },
  l3extRsInstPToProfile: {
    rn: 'rsinstPToProfile-[{tnRtctrlProfileName}]-{direction}',
    attrs: { tnRtctrlProfileName: 'string', direction: { enum: ['import', 'export'] } },
  },
  rtctrlProfile: { rn: 'prof-{name}', attrs: { type: { enum: ['combinable', 'global'] }, autoContinue: YES_NO } },
  rtctrlCtxP: { rn: 'ctx-{name}', attrs: { action: { enum: ['permit', 'deny'] }, order: { int: [0, 9] } } },
  rtctrlRsCtxPToSubjP: rel('rsctxPToSubjP-{tnRtctrlSubjPName}', 'tnRtctrlSubjPName'),
  rtctrlSubjP: { rn: 'subj-{name}', attrs: {} },
  rtctrlMatchRtDest: {
    rn: 'dest-[{ip}]',
    attrs: { ip: 'ip', aggregate: YES_NO, fromPfxLen: { int: [0, 128] }, toPfxLen: { int: [0, 128] } },
  },
  fvRsPathAtt: {
    rn: 'rspathAtt-[{tDn}]',
    attrs: {
      tDn: 'dn',
      encap: 'string',
      mode: { enum: ['regular', 'native', 'untagged'] },
      instrImedcy: { enum: ['immediate', 'lazy'] },
      primaryEncap: 'string',
    },
  },
  l3extRsPathL3OutAtt: {
    rn: 'rspathL3OutAtt-[{tDn}]',
    attrs: {
      tDn: 'dn',
      addr: 'ip',
      encap: 'string',
      encapScope: { enum: ['local', 'ctx'] },
      ifInstT: { enum: ['ext-svi', 'l3-port', 'sub-interface', 'unspecified'] },
      mode: { enum: ['regular', 'native', 'untagged'] },
      mtu: { int: [576, 9216], also: ['inherit'] },
      autostate: EN_DIS,
      ipv6Dad: EN_DIS,
      llAddr: 'string',
      mac: 'string',
      targetDscp: 'string',
    },
  },
  l3extLoopBackIfP: { rn: 'lbp-[{addr}]', attrs: { addr: 'ip' } },
  fvnsVlanInstP: { rn: 'vlanns-[{name}]-{allocMode}', attrs: { allocMode: { enum: ['static', 'dynamic'] } } },
  fvnsEncapBlk: {
    rn: 'from-[{from}]-to-[{to}]',
    attrs: {
      from: 'string',
      to: 'string',
      allocMode: { enum: ['static', 'dynamic', 'inherit'] },
      role: { enum: ['external', 'internal'] },
    },
  },
  infraRsVlanNs: rel('rsvlanNs', 'tDn'),
  infraAttEntityP: { rn: 'attentp-{name}', attrs: {} },
  infraRsDomP: rel('rsdomP-[{tDn}]', 'tDn'),
  physDomP: { rn: 'phys-{name}', attrs: {} },
  l3extDomP: { rn: 'l3dom-{name}', attrs: {} },
  tagAnnotation: { rn: 'annotationKey-[{key}]', attrs: { key: 'string', value: 'string' } },
  aaaUserEp: { rn: 'userext', attrs: {} },
  aaaUser: {
    rn: 'user-{name}',
    attrs: {
      pwd: 'string',
      accountStatus: { enum: ['active', 'inactive'] },
      email: 'string',
      firstName: 'string',
      lastName: 'string',
      expires: YES_NO,
      expiration: 'string',
      pwdLifeTime: 'string',
      clearPwdHistory: YES_NO,
      phone: 'string',
      certAttribute: 'string',
    },
  },
  aaaUserCert: { rn: 'usercert-{name}', attrs: { data: 'string' } },
  aaaUserDomain: { rn: 'userdomain-{name}', attrs: {} },
  aaaUserRole: { rn: 'role-{name}', attrs: { privType: { enum: ['readPriv', 'writePriv'] } } },
};

/** Operational classes the lab model and VKACI-style readers use; attributes are open. */
const READ: Record<string, string> = {
  fabricTopology: 'topology',
  fabricPod: 'pod-{id}',
  fabricNode: 'node-{id}',
  topSystem: 'sys',
  fabricPathEpCont: 'paths-{nodeId}',
  fabricProtPathEpCont: 'protpaths-{nodeAId}-{nodeBId}',
  fabricPathEp: 'pathep-[{name}]',
  fvCEp: 'cep-{mac}',
  fvIp: 'ip-[{addr}]',
  fvRsCEpToPathEp: 'rscEpToPathEp-[{tDn}]',
  fvReportingNode: 'node-{id}',
  l1PhysIf: 'phys-[{id}]',
  lldpEntity: 'lldp',
  lldpInst: 'inst',
  lldpIf: 'if-[{id}]',
  lldpAdjEp: 'adj-{id}',
  cdpEntity: 'cdp',
  cdpInst: 'inst',
  cdpIf: 'if-[{id}]',
  cdpAdjEp: 'adj-{index}',
  bgpEntity: 'bgp',
  bgpInst: 'inst',
  bgpDom: 'dom-{name}',
  bgpPeer: 'peer-[{addr}]',
  bgpPeerEntry: 'ent-[{addr}]',
  bgpPeerAfEntry: 'af-{type}',
  uribv4Entity: 'uribv4',
  uribv4Dom: 'dom-{name}',
  uribv4Db: 'db-{type}',
  uribv4Route: 'rt-[{prefix}]',
  uribv4Nexthop: 'nh-[{owner}]-[{addr}]-[{if}]-[{vrf}]',
  uribv6Entity: 'uribv6',
  uribv6Dom: 'dom-{name}',
  uribv6Db: 'db-{type}',
  uribv6Route: 'rt-[{prefix}]',
  uribv6Nexthop: 'nh-[{owner}]-[{addr}]-[{if}]-[{vrf}]',
  arpEntity: 'arp',
  arpInst: 'inst',
  arpDom: 'dom-{name}',
  arpDb: 'db-{type}',
  arpAdjEp: 'adj-[{ifId}]-[{ip}]',
  ethpmPhysIf: 'phys',
  pcAggrIf: 'aggr-[{id}]',
  fabricProtPol: 'protpol',
  fabricExplicitGEp: 'expgep-{name}',
  fabricNodePEp: 'nodep-{id}',
  vpcEntity: 'vpc',
  vpcInst: 'inst',
  vpcDom: 'dom-{id}',
  vpcIf: 'if-{id}',
  firmwareRunning: 'running',
  eqptCh: 'ch',
  aaaActiveUserSession: 'actsession-{id}',
  faultInst: 'fault-{code}',
  faultDelegate: 'fd-[{affected}]-fault-{code}',
  healthInst: 'health',
  configBackupStatusCont: 'backupst',
  configSnapshotCont: 'snapshots-[{policyDn}]',
  configJobCont: 'jobs-[{policyDn}]',
  configJob: 'run-{name}',
};

export function classSpec(className: string): ClassSpec | undefined {
  const config = CONFIG[className];
  if (config) return config;
  const rn = READ[className];
  return rn ? { rn } : undefined;
}

export function isKnownClass(className: string): boolean {
  return classSpec(className) !== undefined;
}

/** The common attributes a user sets (the rest of COMMON is server-kept or addressing). */
const COMMON_CONFIG = ['annotation', 'descr', 'name', 'nameAlias', 'ownerKey', 'ownerTag', 'userdom'];
const propSets = new Map<string, { config: ReadonlySet<string>; naming: ReadonlySet<string> }>();

/**
 * What `rsp-prop-include=config-only|naming-only` keeps of a class (besides `dn`/`rn` and `status`): its naming
 * properties, and for config-only also every property a user can set. Operational classes have nothing configurable.
 */
export function propsOf(className: string): { config: ReadonlySet<string>; naming: ReadonlySet<string> } {
  let sets = propSets.get(className);
  if (sets) return sets;
  const spec = classSpec(className);
  const naming = new Set(spec ? formatProps(spec.rn) : []);
  const config = new Set(naming);
  if (spec?.attrs) for (const k of [...COMMON_CONFIG, ...Object.keys(spec.attrs)]) if (!WRITE_ONLY_ATTRS.has(k)) config.add(k);
  sets = { config, naming };
  propSets.set(className, sets);
  return sets;
}

/** Attributes a real APIC accepts on write but never returns. */
export const WRITE_ONLY_ATTRS: ReadonlySet<string> = new Set(['pwd', 'password']);

/** Builds the canonical RN from naming attributes; throws a 400 ApicError naming the missing property. */
export function rnFor(className: string, attrs: Readonly<Record<string, string>>): string {
  const spec = classSpec(className);
  if (!spec) throw unknownClass(className);
  return rnFromFormat(
    spec.rn,
    attrs,
    (prop) =>
      new ApicError(
        400,
        '102',
        `naming property '${prop}' of ${className} is required to build its rn (${spec.rn}) — give it, or give 'rn'/'dn'`,
      ),
  );
}

/** Recovers naming properties from an RN, bracketed or not (`tn-foo`, `tn-[foo]` → `{name:'foo'}`); `undefined` when it does not fit. */
export function namingFromRn(className: string, rn: string): Record<string, string> | undefined {
  const spec = classSpec(className);
  return spec ? matchRnFormat(spec.rn, rn) : undefined;
}

/** The canonical spelling of an RN of a known class (`lifp-[ip1]` → `lifp-ip1`), or `undefined` when it does not fit. */
export function canonicalRn(className: string, rn: string): string | undefined {
  const naming = namingFromRn(className, rn);
  return naming ? rnFor(className, naming) : undefined;
}

export const unknownClass = (className: string): ApicError => new ApicError(400, '122', `unknown managed object class ${className}`);

/** Validates attribute names and values for a config write. Open classes accept anything. */
export function validateAttrs(className: string, dn: string, attrs: Readonly<Record<string, string>>): void {
  const spec = classSpec(className);
  if (!spec) throw unknownClass(className);
  if (!spec.attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    const type = spec.attrs[name] ?? COMMON[name];
    if (type === undefined) throw new ApicError(400, '400', `unknown attribute '${name}' in element '${className}'`);
    const why = typeof value !== 'string' ? 'values must be strings' : checkValue(type, value);
    if (why) throw invalidValue(name, dn, WRITE_ONLY_ATTRS.has(name) ? '[redacted]' : String(value), why);
  }
}

function invalidValue(name: string, dn: string, value: string, why: string): ApicError {
  return new ApicError(400, '801', `property ${name} of ${dn} failed validation for value '${value}' (${why})`);
}

/** Returns why a value does not fit its type, or undefined if it does. */
function checkValue(type: AttrType, value: string): string | undefined {
  if (type === 'string' || type === 'dn') return undefined;
  if (type === 'name') return /^[A-Za-z0-9_.:-]{0,64}$/.test(value) ? undefined : 'allowed: up to 64 of A-Z a-z 0-9 _ . : -';
  if (type === 'ip') {
    const [addr, len, extra] = value.split('/');
    const ip = addr === undefined || extra !== undefined ? null : parseIp(addr);
    if (!ip) return 'expected an IP address, optionally /prefix-length';
    const max = ip.kind() === 'ipv4' ? 32 : 128;
    return len === undefined || (/^\d+$/.test(len) && Number(len) <= max) ? undefined : `prefix length must be 0-${max}`;
  }
  if ('enum' in type) return type.enum.includes(value) ? undefined : `allowed: ${type.enum.join(', ')}`;
  if ('flags' in type) {
    const bad = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && !type.flags.includes(s));
    return bad.length === 0 ? undefined : `allowed flags: ${type.flags.join(', ')}`;
  }
  if (type.also?.includes(value)) return undefined;
  const [min, max] = type.int;
  const ok = /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
  return ok ? undefined : `allowed: integer ${min}-${max}${type.also ? ` or ${type.also.join(', ')}` : ''}`;
}
