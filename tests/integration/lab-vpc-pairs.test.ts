import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFabricExplicitGEp, parseVpcDom } from '../../lib/aci/models';
import type { Lab } from '../../lib/lab';
import { vpcPeers } from '../../lib/topology/correlate/vpc';
import { cleanup, readFabric, startTestLab } from './lab-runtime-support';

/** The lab APIC serves its vPC pairs the way an APIC does, and akb's fixed fabric queries read them. */
let lab: Lab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(cleanup);

describe('lab APIC vPC pairs', () => {
  it('serves each scenario pair as a protection group with its members and as a vPC domain on both leaves', async () => {
    const fabric = await readFabric(lab);
    const groups = fabric.fabricExplicitGEp!.map((mo) => parseFabricExplicitGEp(mo.fabricExplicitGEp!, [], [])!);
    expect(groups.map((g) => [g.name, g.id, g.nodeIds])).toEqual([
      ['vpc-101-102', 1, [101, 102]],
      ['vpc-103-104', 2, [103, 104]],
    ]);
    const doms = fabric.vpcDom!.map((mo) => parseVpcDom(mo.vpcDom!, [], [])!);
    expect(doms.map((d) => `${d.nodeId}:${d.domainId}:${d.peerSt}`).sort()).toEqual(['101:1:up', '102:1:up', '103:2:up', '104:2:up']);
    expect([...vpcPeers(groups, doms)].sort()).toEqual([
      [101, 102],
      [102, 101],
      [103, 104],
      [104, 103],
    ]);
  });
});
