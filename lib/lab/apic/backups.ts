import { isAtOrBelow } from '../../aci/models/dn';
import { classSpec } from './classes';
import type { ApicTree, MoRecord, TreeChange, TreeOp } from './tree';

/**
 * Configuration snapshots and atomic rollback, as the APIC's snapshot manager does them (APPLY.md §2; Cisco's
 * `aci_config_snapshot` / `aci_config_rollback` modules):
 *  - a `configExportP` (`uni/fabric/configexp-<name>`) POSTed with `snapshot=yes`, `adminSt=triggered` and an
 *    optional `targetDn` takes a snapshot of the configuration below `targetDn` (all of `uni` without one): a
 *    `configSnapshot` `run-<time>` under `uni/backupst/snapshots-[<policy dn>]` naming its `fileName`
 *    (`ce2_<policy>-<time>.tar.gz`), and a `configJob` under `uni/backupst/jobs-[<policy dn>]`;
 *  - a `configImportP` (`uni/fabric/configimp-<name>`) POSTed with `snapshot=yes`, `adminSt=triggered` and that
 *    `fileName` puts it back: `importType=replace` makes the configuration below the snapshot's target exactly the
 *    snapshot's (objects created since are deleted, properties changed since restored), `merge` only re-creates and
 *    re-sets; the lab applies either in one batch, so `importMode` atomic and best-effort behave alike.
 * Jobs complete before the POST is answered (a real APIC runs them in the background: clients poll the job), and
 * `adminSt` returns to `untriggered`. The snapshot files live with the tree, so every controller sharing it sees them.
 */

interface SnapshotFile {
  policyDn: string;
  targetDn: string;
  objects: MoRecord[];
}

/** Below these nothing is configuration a snapshot takes or a rollback touches: the snapshot machinery itself. */
const OUTSIDE = ['uni/backupst'];
const BACKUP_CLASSES = new Set(['configExportP', 'configImportP', 'configSnapshot']);

const stores = new WeakMap<ApicTree, ConfigBackups>();

/** The snapshot store of a tree, shared by every controller serving it. */
export function backupsFor(tree: ApicTree): ConfigBackups {
  let store = stores.get(tree);
  if (!store) stores.set(tree, (store = new ConfigBackups(tree)));
  return store;
}

export class ConfigBackups {
  private readonly files = new Map<string, SnapshotFile>();
  private lastStamp = 0;

  constructor(private readonly tree: ApicTree) {}

  /** Runs the export and import jobs a configuration write triggered. */
  afterWrite(changes: readonly TreeChange[], now = new Date()): void {
    for (const c of changes) {
      if (c.kind === 'deleted' || c.mo.attrs['adminSt'] !== 'triggered') continue;
      if (c.mo.className === 'configExportP') this.export(c.mo, now);
      else if (c.mo.className === 'configImportP') this.import(c.mo, now);
    }
  }

  private export(policy: MoRecord, now: Date): void {
    const name = policy.attrs['name'] ?? '';
    const stamp = this.stamp(now);
    const ops: TreeOp[] = [{ op: 'upsert', dn: policy.dn, className: 'configExportP', attrs: { adminSt: 'untriggered' } }];
    if (policy.attrs['snapshot'] !== 'yes') {
      // Exports to a remote location are out of the lab's reach: the job fails, saying so.
      ops.push(...this.job(policy, stamp, 'export', 'failed', 'the lab takes snapshots only (snapshot=yes); no remote location'));
      this.tree.apply(ops);
      return;
    }
    const targetDn = policy.attrs['targetDn'] || 'uni';
    const fileName = `ce2_${name}-${stamp.file}.tar.gz`;
    this.files.set(fileName, { policyDn: policy.dn, targetDn, objects: this.configBelow(targetDn).map((mo) => ({ ...mo })) });
    const container = `uni/backupst/snapshots-[${policy.dn}]`;
    ops.push(
      { op: 'upsert', dn: container, className: 'configSnapshotCont', attrs: { name } },
      {
        op: 'upsert',
        dn: `${container}/snapshot-run-${stamp.file}`,
        className: 'configSnapshot',
        attrs: {
          name: `run-${stamp.file}`,
          fileName,
          targetDn: policy.attrs['targetDn'] ?? '',
          descr: policy.attrs['descr'] ?? '',
          createTime: stamp.iso,
          retire: 'no',
        },
      },
      ...this.job(policy, stamp, 'export', 'success', `snapshot ${fileName} taken`, fileName),
    );
    ops.push(...this.rollover(policy, container));
    this.tree.apply(ops);
  }

  private import(policy: MoRecord, now: Date): void {
    const stamp = this.stamp(now);
    const fileName = policy.attrs['fileName'] ?? '';
    const file = this.files.get(fileName);
    const reset: TreeOp = { op: 'upsert', dn: policy.dn, className: 'configImportP', attrs: { adminSt: 'untriggered' } };
    if (policy.attrs['snapshot'] !== 'yes' || !file) {
      const why = policy.attrs['snapshot'] !== 'yes' ? 'the lab imports snapshots only (snapshot=yes)' : `no snapshot file ${fileName}`;
      this.tree.apply([reset, ...this.job(policy, stamp, 'import', 'failed', why, fileName)]);
      return;
    }
    const wanted = new Map(file.objects.map((mo) => [mo.dn, mo]));
    const ops: TreeOp[] = [];
    if (policy.attrs['importType'] !== 'merge') {
      for (const mo of this.configBelow(file.targetDn)) if (!wanted.has(mo.dn)) ops.push({ op: 'delete', dn: mo.dn });
    }
    for (const mo of file.objects) ops.push({ op: 'upsert', dn: mo.dn, className: mo.className, attrs: { ...mo.attrs }, replace: true });
    ops.push(
      reset,
      ...this.job(policy, stamp, 'import', 'success', `restored ${file.objects.length} objects below ${file.targetDn}`, fileName),
    );
    this.tree.apply(ops);
  }

  /** Configuration objects at and below `dn`, parents first, without the snapshot machinery. */
  private configBelow(dn: string): MoRecord[] {
    const self = this.tree.get(dn);
    return [...(self ? [self] : []), ...this.tree.descendants(dn)].filter(
      (mo) =>
        classSpec(mo.className)?.attrs !== undefined && !BACKUP_CLASSES.has(mo.className) && !OUTSIDE.some((o) => isAtOrBelow(mo.dn, o)),
    );
  }

  /** Drops the oldest snapshots of a policy beyond its `maxSnapshotCount` (default 3). */
  private rollover(policy: MoRecord, container: string): TreeOp[] {
    const max = Number(policy.attrs['maxSnapshotCount'] ?? '3') || 3;
    const snapshots = this.tree.children(container).filter((mo) => mo.className === 'configSnapshot');
    // The snapshot being written is not in the tree yet: keep max - 1 of the existing ones.
    const doomed = snapshots.slice(0, Math.max(0, snapshots.length - (max - 1)));
    for (const mo of doomed) this.files.delete(mo.attrs['fileName'] ?? '');
    return doomed.map((mo) => ({ op: 'delete', dn: mo.dn }));
  }

  /** Retires snapshots whose `configSnapshot` was POSTed with `retire=yes` (how Ansible deletes one). */
  retire(changes: readonly TreeChange[]): void {
    const ops: TreeOp[] = [];
    for (const c of changes) {
      if (c.kind === 'deleted' || c.mo.className !== 'configSnapshot' || c.mo.attrs['retire'] !== 'yes') continue;
      this.files.delete(c.mo.attrs['fileName'] ?? '');
      ops.push({ op: 'delete', dn: c.mo.dn });
    }
    if (ops.length) this.tree.apply(ops);
  }

  private job(policy: MoRecord, stamp: Stamp, type: 'export' | 'import', operSt: string, details: string, fileName = ''): TreeOp[] {
    const container = `uni/backupst/jobs-[${policy.dn}]`;
    return [
      { op: 'upsert', dn: container, className: 'configJobCont', attrs: { name: policy.attrs['name'] ?? '' } },
      {
        op: 'upsert',
        dn: `${container}/run-${stamp.file}`,
        className: 'configJob',
        attrs: { name: stamp.file, type, operSt, details, fileName, executeTime: stamp.iso, lastStepDescr: details },
      },
    ];
  }

  /** Snapshot names have one-second resolution (`run-2026-01-01T00-00-00`): a second one in the same second moves on. */
  private stamp(now: Date): Stamp {
    const seconds = Math.max(Math.floor(now.getTime() / 1000), this.lastStamp + 1);
    this.lastStamp = seconds;
    const d = new Date(seconds * 1000);
    const iso = d.toISOString().replace(/\.\d{3}Z$/, '.000+00:00');
    return { file: iso.slice(0, 19).replace(/:/g, '-'), iso };
  }
}

interface Stamp {
  /** `2026-01-01T00-00-00`: the form snapshot and file names carry. */
  file: string;
  iso: string;
}
