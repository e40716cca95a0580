import { BUILTIN_RESOURCES, groupVersion, type ResourceDef } from './resources';

/** Built-in resources plus those the store's CRD objects define; what discovery serves and URLs resolve to. */
export class ResourceRegistry {
  private readonly custom = new Map<string, ResourceDef>();

  /** Registers (or replaces) the resource of the CRD named `crdName` (`plural.group`). */
  setCustom(crdName: string, def: ResourceDef): void {
    this.custom.set(crdName, def);
  }

  removeCustom(crdName: string): ResourceDef | undefined {
    const def = this.custom.get(crdName);
    this.custom.delete(crdName);
    return def;
  }

  all(): ResourceDef[] {
    return [...BUILTIN_RESOURCES, ...this.custom.values()];
  }

  /** The resource served at `group/version` under `plural`. */
  find(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.plural === plural && d.versions.includes(version));
  }

  /**
   * Resolves a kubectl-style name (`pods`, `deployments.apps`, `bgppeers.crd.projectcalico.org`, `Pod`,
   * a short name) or an apiVersion+kind pair.
   */
  resolve(ref: string): ResourceDef | undefined {
    const all = this.all();
    const exact = all.find((d) => d.plural === ref && d.group === '') ?? all.find((d) => `${d.plural}.${d.group}` === ref);
    return exact ?? all.find((d) => d.plural === ref || d.kind === ref || d.shortNames.includes(ref));
  }

  byKind(apiVersion: string, kind: string): ResourceDef | undefined {
    return this.all().find((d) => d.kind === kind && d.versions.some((v) => groupVersion(d.group, v) === apiVersion));
  }

  /** `[{group, versions}]` of every API group except the legacy core group, in registration order. */
  groups(): { name: string; versions: string[] }[] {
    const groups = new Map<string, Set<string>>();
    for (const d of this.all()) {
      if (!d.group) continue;
      const versions = groups.get(d.group) ?? new Set<string>();
      d.versions.forEach((v) => versions.add(v));
      groups.set(d.group, versions);
    }
    return [...groups].map(([name, versions]) => ({ name, versions: [...versions] }));
  }

  resourcesAt(group: string, version: string): ResourceDef[] {
    return this.all().filter((d) => d.group === group && d.versions.includes(version));
  }
}
