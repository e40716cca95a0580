/**
 * Stable ids. Node ids name the thing (`leaf:204`, `node:worker-1`); edge ids are built from the
 * edge's content (kind, ends and ports), so the same fact keeps the same id across captures.
 */
export const switchId = (role: 'leaf' | 'spine', nodeId: number) => `${role}:${nodeId}`;
export const k8sNodeId = (name: string) => `node:${name}`;
export const podId = (namespace: string, name: string) => `pod:${namespace}/${name}`;
export const serviceId = (namespace: string, name: string) => `service:${namespace}/${name}`;
export const hypervisorId = (sysName: string) => `hypervisor:${sysName}`;

/** `kind:source->target` plus the distinguishing parts (ports, peer IP, interface). */
export function edgeId(kind: string, source: string, target: string, ...parts: string[]): string {
  const tail = parts.length > 0 ? `#${parts.join('|')}` : '';
  return `${kind}:${source}->${target}${tail}`;
}
