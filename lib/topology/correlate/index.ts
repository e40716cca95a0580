import type { Bundle } from '../bundle-types';
import { GRAPH_FORMAT, type TopologyGraph } from '../graph';
import { domName, vrfDn } from '../../aci/models';
import { newContext } from './context';
import { readInputs } from './inputs';
import { addSwitches } from './fabric';
import { addNodesAndPods } from './nodes';
import { indexPorts } from './ports';
import { resolveAttachments } from './endpoints';
import { addNeighbours } from './neighbours';
import { detectAsn } from './asn';
import { addBgpSessions } from './bgp';
import { addServices } from './services';
import { addRoutes } from './routes';
import { addSecondaryNetworks } from './secondary';

/**
 * The topology graph of a bundle. Pure and deterministic: no I/O, no clock (`generatedAt` is the
 * bundle's capturedAt, `revision` 0), canonical ordering, so identical input gives byte-identical JSON.
 * Every step indexes its inputs first (by IP, MAC, DN), so cost is linear in the bundle's size.
 */
export function correlate(bundle: Bundle): TopologyGraph {
  const { tenant, vrf } = bundle.fabric;
  const inputs = readInputs(bundle);
  const ctx = newContext(bundle, inputs, domName(tenant, vrf), vrfDn(tenant, vrf));

  const teps = addSwitches(ctx);
  const podByIp = addNodesAndPods(ctx);
  const ports = indexPorts(ctx);
  addNeighbours(ctx, ports, resolveAttachments(ctx, ports));
  const cluster = detectAsn(ctx);
  addBgpSessions(ctx);
  const services = addServices(ctx, podByIp);
  addRoutes(ctx, teps, cluster.asn, services);
  addSecondaryNetworks(ctx);
  for (const s of inputs.skipped) {
    ctx.g.problem('warning', 'invalid-input-skipped', 'cluster', `${s.count} object(s) in ${s.where} could not be read and were skipped.`);
  }

  const fabric: TopologyGraph['fabric'] = { tenant, vrf };
  if (bundle.fabric.l3out !== undefined) fabric.l3out = bundle.fabric.l3out;
  return { format: GRAPH_FORMAT, revision: 0, generatedAt: bundle.capturedAt, cluster, fabric, ...ctx.g.finish() };
}
