import type { z } from 'zod';
import type { Bundle } from '../bundle-types';
import type { KubeObject } from '../../k8s/models/object';
import { APIC_CLASS_PARSERS, type ApicModel, type KnownApicClass, type MoIssue } from '../../aci/models';
import { K8S_SCHEMAS } from '../k8s-models';

/**
 * The bundle parsed into typed models, once. Objects that do not parse are skipped and counted, so a
 * live snapshot with one odd object still yields a graph (`akb graph` validates strictly beforehand).
 */
export interface Inputs {
  apic<K extends KnownApicClass>(cls: K): ApicModel<K>[];
  k8s<K extends keyof typeof K8S_SCHEMAS>(key: K): z.output<(typeof K8S_SCHEMAS)[K]>[];
  /** Per class/resource, how many objects did not parse and were left out. */
  skipped: { where: string; count: number }[];
}

export function readInputs(bundle: Bundle): Inputs {
  const apicCache = new Map<string, unknown[]>();
  const k8sCache = new Map<string, unknown[]>();
  const skipped: { where: string; count: number }[] = [];
  return {
    apic<K extends KnownApicClass>(cls: K): ApicModel<K>[] {
      let out = apicCache.get(cls);
      if (!out) {
        out = [];
        let bad = 0;
        const parse = APIC_CLASS_PARSERS[cls] as (b: never, p: (string | number)[], i: MoIssue[]) => unknown;
        for (const mo of bundle.apic[cls] ?? []) {
          const body = mo[cls];
          const issues: MoIssue[] = [];
          const v = body ? parse(body as never, [], issues) : null;
          if (v !== null && issues.length === 0) out.push(v);
          else bad++;
        }
        if (bad > 0) skipped.push({ where: `apic.${cls}`, count: bad });
        apicCache.set(cls, out);
      }
      return out as ApicModel<K>[];
    },
    k8s<K extends keyof typeof K8S_SCHEMAS>(key: K) {
      let out = k8sCache.get(key);
      if (!out) {
        out = [];
        let bad = 0;
        for (const obj of (bundle.k8s[key] ?? []) as KubeObject[]) {
          const r = K8S_SCHEMAS[key].safeParse(obj);
          if (r.success) out.push(r.data);
          else bad++;
        }
        if (bad > 0) skipped.push({ where: `k8s.${key}`, count: bad });
        k8sCache.set(key, out);
      }
      return out as z.output<(typeof K8S_SCHEMAS)[K]>[];
    },
    skipped,
  };
}
