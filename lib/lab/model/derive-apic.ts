import type { WireMo } from '../../aci/mo';
import { deriveFabricMos } from './apic-fabric';
import { endpointMos, fabricBaseMos, l3outConfigMos } from './apic-l3out';
import type { LabWorld } from './world';

/**
 * What the world puts into the simulated APIC, as a flat list of wire MOs (each with its `dn`; the server builds the
 * tree from the DNs): the switches and their cabling, the fabric's and the L3Out's configuration, the learned
 * endpoints. The BGP sessions and routes are not here: the twin (lib/lab/twin) derives them from the configuration
 * on both servers. Pure: the same world always gives the same list.
 */
export function deriveApicSeed(w: LabWorld): WireMo[] {
  return [...deriveFabricMos(w.scenario), ...fabricBaseMos(w.scenario), ...l3outConfigMos(w.scenario), ...endpointMos(w)];
}
