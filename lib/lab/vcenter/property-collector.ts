import { moRefEl, readMoRef, type MoRef } from '../../vsphere/envelope';
import { buildXml, child, children, childText, el, type XmlElement } from '../../vsphere/xml';
import type { VcenterInventory } from './inventory';
import { allPropertyNames, objectExists, readProperty } from './properties';
import { TwinFault } from './faults';
import type { TaskTracker } from './tasks';
import { valueEl } from './vim-value';

/**
 * The property collector: RetrieveProperties / RetrievePropertiesEx over the objects named in a filter spec (no
 * traversal: the `selectSet` of container views is not modelled), and filters with WaitForUpdates(Ex), which
 * pyVmomi's `WaitForTask` uses, answering what changed since the version the client last saw.
 */

interface Wanted {
  obj: MoRef;
  paths: string[];
}

function wanted(inv: VcenterInventory, tasks: TaskTracker, spec: XmlElement): Wanted[] {
  const props = children(spec, 'propSet');
  return children(spec, 'objectSet').flatMap((os) => {
    const obj = readMoRef(child(os, 'obj'));
    if (!obj) throw new TwinFault('InvalidArgument', 'objectSet without obj');
    if (childText(os, 'skip') === 'true') return [];
    const ps = props.filter((p) => childText(p, 'type') === obj.type || props.length === 1);
    const all = ps.some((p) => childText(p, 'all') === 'true');
    const paths = all ? allPropertyNames(inv, tasks, obj) : [...new Set(ps.flatMap((p) => children(p, 'pathSet').map((x) => x.text)))];
    return [{ obj, paths }];
  });
}

/** The ObjectContent elements for a spec; a missing object is ManagedObjectNotFound, an unknown path InvalidProperty. */
function contents(inv: VcenterInventory, tasks: TaskTracker, specs: XmlElement[], name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const spec of specs) {
    for (const w of wanted(inv, tasks, spec)) {
      const propSet: XmlElement[] = [];
      for (const path of w.paths) {
        const r = readProperty(inv, tasks, w.obj, path);
        if (!r.exists)
          throw new TwinFault(
            'ManagedObjectNotFound',
            `The object '${w.obj.type}:${w.obj.value}' has already been deleted or has not been completely created`,
            [moRefEl('obj', w.obj)],
          );
        if (!r.known) throw new TwinFault('InvalidProperty', `${w.obj.type} has no property "${path}"`, [el('name', path)]);
        if (r.value) propSet.push(el('propSet', el('name', path), valueEl('val', r.value, true)));
      }
      if (!objectExists(inv, tasks, w.obj))
        throw new TwinFault('ManagedObjectNotFound', `The object '${w.obj.type}:${w.obj.value}' has already been deleted`, [
          moRefEl('obj', w.obj),
        ]);
      out.push(el(name, moRefEl('obj', w.obj), propSet));
    }
  }
  return out;
}

export function retrieveProperties(inv: VcenterInventory, tasks: TaskTracker, call: XmlElement): XmlElement[] {
  return contents(inv, tasks, children(call, 'specSet'), 'returnval');
}

export function retrievePropertiesEx(inv: VcenterInventory, tasks: TaskTracker, call: XmlElement): XmlElement[] {
  const objects = contents(inv, tasks, children(call, 'specSet'), 'objects');
  return objects.length === 0 ? [] : [el('returnval', objects)];
}

interface Filter {
  ref: MoRef;
  spec: XmlElement;
  /** Serialised value per `obj|path` as last reported; undefined before the first report. */
  seen?: Map<string, string>;
}

/** One session's filters and update version. */
export class FilterSet {
  private readonly filters = new Map<string, Filter>();
  private version = 0;
  private counter = 0;

  constructor(
    private readonly inv: VcenterInventory,
    private readonly tasks: TaskTracker,
    private readonly session: string,
  ) {}

  create(call: XmlElement): XmlElement[] {
    const spec = child(call, 'spec');
    if (!spec) throw new TwinFault('InvalidArgument', 'CreateFilter without spec', [el('invalidProperty', 'spec')]);
    wanted(this.inv, this.tasks, spec);
    const ref = { type: 'PropertyFilter', value: `session[${this.session.slice(0, 8)}]filter-${++this.counter}` };
    this.filters.set(ref.value, { ref, spec });
    return [moRefEl('returnval', ref)];
  }

  destroy(self: MoRef): void {
    if (!this.filters.delete(self.value)) throw new TwinFault('ManagedObjectNotFound', `no filter ${self.value}`, [moRefEl('obj', self)]);
  }

  private updates(): XmlElement[] {
    const sets: XmlElement[] = [];
    for (const f of this.filters.values()) {
      const first = f.seen === undefined;
      const seen = f.seen ?? new Map<string, string>();
      const objectSet: XmlElement[] = [];
      for (const w of wanted(this.inv, this.tasks, f.spec)) {
        const changes: XmlElement[] = [];
        let gone = false;
        for (const path of w.paths) {
          const r = readProperty(this.inv, this.tasks, w.obj, path);
          if (!r.exists) gone = true;
          const val = r.value ? valueEl('val', r.value, true) : undefined;
          const text = val ? buildXml(val) : '';
          const key = `${w.obj.type}:${w.obj.value}|${path}`;
          if (!first && seen.get(key) === text) continue;
          seen.set(key, text);
          changes.push(el('changeSet', el('name', path), el('op', 'assign'), val));
        }
        if (gone && !first) objectSet.push(el('objectSet', el('kind', 'leave'), moRefEl('obj', w.obj)));
        else if (changes.length > 0)
          objectSet.push(el('objectSet', el('kind', first ? 'enter' : 'modify'), moRefEl('obj', w.obj), changes));
      }
      f.seen = seen;
      if (objectSet.length > 0) sets.push(el('filterSet', moRefEl('filter', f.ref), objectSet));
    }
    return sets;
  }

  /**
   * Answers the changes since `version`, waiting up to `maxWaitMs` for one (WaitForUpdatesEx `maxWaitSeconds`;
   * WaitForUpdates waits until there is one). Answers nothing when the wait ran out.
   */
  async wait(maxWaitMs: number, signal: AbortSignal): Promise<XmlElement[]> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const sets = this.updates();
      if (sets.length > 0) return [el('returnval', el('version', String(++this.version)), sets)];
      const left = deadline - Date.now();
      if (left <= 0 || signal.aborted) return [];
      await new Promise<void>((res) => {
        const done = (): void => {
          clearTimeout(t);
          this.inv.off('changed', done);
          signal.removeEventListener('abort', done);
          res();
        };
        const t = setTimeout(done, Math.min(left, 1000));
        this.inv.on('changed', done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}
