import type { WireMo } from '../../aci/mo';
import { deriveFabricMos } from './apic-fabric';
import { bgpMos, endpointMos, fabricBaseMos, l3outConfigMos, routeMos } from './apic-l3out';
import { computeSessions } from './bgp';
import { computeRoutes } from './routes';
import { computeServices } from './services';
import type { LabWorld } from './world';

/**
 * Everything the simulated APIC holds for this world, as a flat list of wire MOs (each with its `dn`;
 * the server builds the tree from the DNs). Pure: the same world always gives the same list.
 */
export function deriveApic(w: LabWorld): WireMo[] {
  const sessions = computeSessions(w);
  const routes = computeRoutes(w, sessions, computeServices(w));
  return [
    ...deriveFabricMos(w.scenario),
    ...fabricBaseMos(w.scenario),
    ...l3outConfigMos(w.scenario),
    ...endpointMos(w),
    ...bgpMos(w, sessions),
    ...routeMos(w, routes),
  ];
}
