import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApicTree, startLabApic, type LabApic } from '../../lib/lab/apic';
import { apicFetch, attrsOf, labLogin } from '../../lib/lab/apic/test-support';

let apic: LabApic;
let cookie: string;
const tree = new ApicTree();
const post = (dn: string, body: unknown, query = '') => apicFetch(apic, 'POST', `/api/mo/${dn}.json${query}`, { cookie, body });

const T = 'uni/tn-calico';
const O = `${T}/out-K8s_L3OUT`;
const NP = `${O}/lnodep-node_profile_FL3out`;
const VLIFP = `${NP}/lifp-int_profile_FL3out/vlifp-[topology/pod-1/node-101]-[vlan-12]`;

/** The NKT §2.4 L3Out for one anchor, as the provisioner would POST it to /api/mo/uni.json. */
function l3outPayload(overrides: { mtu?: string } = {}) {
  return {
    polUni: {
      attributes: {},
      children: [
        {
          fvTenant: {
            attributes: { name: 'calico' },
            children: [
              {
                fvCtx: {
                  attributes: { name: 'vrf' },
                  children: [{ fvRsCtxToBgpCtxAfPol: { attributes: { tnBgpCtxAfPolName: 'K8s_L3OUT', af: 'ipv4-ucast' } } }],
                },
              },
              {
                bgpCtxPol: {
                  attributes: {
                    name: 'K8s_L3OUT-Timers',
                    kaIntvl: '1',
                    holdIntvl: '3',
                    staleIntvl: '6',
                    grCtrl: 'helper',
                    maxAsLimit: '1',
                  },
                },
              },
              { bgpCtxAfPol: { attributes: { name: 'K8s_L3OUT', maxEcmp: '64', maxEcmpIbgp: '64' } } },
              { bgpPeerPfxPol: { attributes: { name: 'K8s_L3OUT', maxPfx: '500', action: 'reject' } } },
              {
                l3extOut: {
                  attributes: { name: 'K8s_L3OUT', enforceRtctrl: 'export,import' },
                  children: [
                    { l3extRsEctx: { attributes: { tnFvCtxName: 'vrf' } } },
                    { l3extRsL3DomAtt: { attributes: { tDn: 'uni/l3dom-calico' } } },
                    { bgpExtP: { attributes: {} } },
                    {
                      l3extLNodeP: {
                        attributes: { name: 'node_profile_FL3out' },
                        children: [
                          {
                            l3extRsNodeL3OutAtt: {
                              attributes: { tDn: 'topology/pod-1/node-101', rtrId: '1.1.1.101', rtrIdLoopBack: 'no' },
                            },
                          },
                          {
                            bgpProtP: {
                              attributes: {},
                              children: [{ bgpRsBgpNodeCtxPol: { attributes: { tnBgpCtxPolName: 'K8s_L3OUT-Timers' } } }],
                            },
                          },
                          {
                            l3extLIfP: {
                              attributes: { name: 'int_profile_FL3out' },
                              children: [
                                {
                                  l3extVirtualLIfP: {
                                    attributes: {
                                      nodeDn: 'topology/pod-1/node-101',
                                      encap: 'vlan-12',
                                      addr: '192.168.35.201/24',
                                      ifInstT: 'ext-svi',
                                      encapScope: 'local',
                                      autostate: 'enabled',
                                      mtu: overrides.mtu ?? '9000',
                                    },
                                    children: [
                                      {
                                        l3extRsDynPathAtt: {
                                          attributes: {
                                            tDn: 'uni/phys-Fab1',
                                            floatingAddr: '192.168.35.254/24',
                                            forgedTransmit: 'Disabled',
                                            macChange: 'Disabled',
                                            promMode: 'Disabled',
                                          },
                                        },
                                      },
                                      { l3extIp: { attributes: { addr: '192.168.35.253/24' } } },
                                      {
                                        bgpPeerP: {
                                          attributes: {
                                            addr: '192.168.35.0/24',
                                            ctrl: 'as-override,dis-peer-as-check',
                                            password: '123Cisco123',
                                          },
                                          children: [
                                            { bgpAsP: { attributes: { asn: '65003' } } },
                                            { bgpRsPeerPfxPol: { attributes: { tnBgpPeerPfxPolName: 'K8s_L3OUT' } } },
                                          ],
                                        },
                                      },
                                    ],
                                  },
                                },
                              ],
                            },
                          },
                        ],
                      },
                    },
                    {
                      l3extInstP: {
                        attributes: { name: 'catch_all' },
                        children: [
                          { fvRsProv: { attributes: { tnVzBrCPName: 'calico_dev' } } },
                          { fvRsCons: { attributes: { tnVzBrCPName: 'calico_dev' } } },
                          {
                            l3extSubnet: {
                              attributes: {
                                ip: '192.168.36.0/24',
                                scope: 'import-security,shared-rtctrl,shared-security',
                                aggregate: 'shared-rtctrl',
                              },
                            },
                          },
                        ],
                      },
                    },
                  ],
                },
              },
            ],
          },
        },
      ],
    },
  };
}

beforeAll(async () => {
  apic = await startLabApic({ http: true, tree });
  ({ cookie } = await labLogin(apic));
});
beforeEach(() => {
  tree.delete('uni/tn-calico');
});
afterAll(() => apic.stop());

describe('configuration POST / DELETE', () => {
  it('creates a nested NKT L3Out with DNs built from naming properties', async () => {
    const res = await post('uni', l3outPayload());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ totalCount: '0', imdata: [] });
    expect(tree.get(`${VLIFP}/rsdynPathAtt-[uni/phys-Fab1]`)?.attrs['floatingAddr']).toBe('192.168.35.254/24');
    expect(tree.get(`${VLIFP}/addr-[192.168.35.253/24]`)?.className).toBe('l3extIp');
    expect(tree.get(`${VLIFP}/peerP-[192.168.35.0/24]/as`)?.attrs['asn']).toBe('65003');
    expect(tree.get(`${NP}/rsnodeL3OutAtt-[topology/pod-1/node-101]`)?.attrs['rtrId']).toBe('1.1.1.101');
    expect(tree.get(`${T}/ctx-vrf/rsctxToBgpCtxAfPol-[K8s_L3OUT]-ipv4-ucast`)?.className).toBe('fvRsCtxToBgpCtxAfPol');
    expect(tree.get(`${O}/instP-catch_all/extsubnet-[192.168.36.0/24]`)?.attrs['aggregate']).toBe('shared-rtctrl');
    expect(tree.get(`${O}/rsectx`)?.attrs['tnFvCtxName']).toBe('vrf');
    // The BGP password is write-only: stored, never returned.
    const peer = await apicFetch(apic, 'GET', `/api/mo/${VLIFP}/peerP-[192.168.35.0/24].json`, { cookie });
    expect(attrsOf(peer.body)[0]).not.toHaveProperty('password');
    expect(attrsOf(peer.body)[0]!['ctrl']).toBe('as-override,dis-peer-as-check');
  });

  it('rejects an invalid attribute anywhere in the payload and applies nothing', async () => {
    const before = tree.size;
    const bad = await post('uni', l3outPayload({ mtu: '99999' }));
    expect(bad.status).toBe(400);
    expect(bad.body.imdata![0]!['error']!.attributes['code']).toBe('801');
    expect(bad.body.imdata![0]!['error']!.attributes['text']).toContain(`property mtu of ${VLIFP} failed validation for value '99999'`);
    expect(tree.size).toBe(before);
    expect(tree.get(T)).toBeUndefined();

    const unknownAttr = await post(T, { fvTenant: { attributes: { name: 'calico', description: 'x' } } });
    expect(unknownAttr.status).toBe(400);
    expect(unknownAttr.body.imdata![0]!['error']!.attributes['text']).toBe("unknown attribute 'description' in element 'fvTenant'");
    const unknownClass = await post(T, { fvFoobar: { attributes: { name: 'calico' } } });
    expect(unknownClass.body.imdata![0]!['error']!.attributes).toEqual({ code: '122', text: 'unknown managed object class fvFoobar' });
    const badEnum = await post(`${T}/bgpPfxP-p`, { bgpPeerPfxPol: { attributes: { action: 'explode' } } });
    expect(badEnum.status).toBe(400);
    const childrenFirst = await post(T, JSON.parse('{"fvTenant":{"children":[],"attributes":{"name":"calico"}}}'));
    expect(childrenFirst.body.imdata![0]!['error']!.attributes['text']).toContain("tag 'attributes' must be specified first");
    expect(tree.get(T)).toBeUndefined();
  });

  it('honours status created / modified / deleted and rsp-subtree=modified', async () => {
    expect((await post(T, { fvTenant: { attributes: { name: 'calico', status: 'created' } } })).status).toBe(200);
    const again = await post(T, { fvTenant: { attributes: { name: 'calico', status: 'created' } } });
    expect(again.status).toBe(400);
    expect(again.body.imdata![0]!['error']!.attributes['code']).toBe('103');
    const missing = await post(`${T}/ctx-nope`, { fvCtx: { attributes: { status: 'modified', pcEnfPref: 'unenforced' } } });
    expect(missing.status).toBe(400);
    const upsert = await post(T, { fvTenant: { attributes: { descr: 'k8s', status: 'created,modified' } } }, '?rsp-subtree=modified');
    expect(attrsOf(upsert.body)).toEqual([expect.objectContaining({ dn: T, descr: 'k8s', status: 'modified' })]);
    await post(T, { fvTenant: { attributes: {}, children: [{ fvCtx: { attributes: { name: 'v' } } }] } });
    expect(tree.get(`${T}/ctx-v`)).toBeDefined();
    await post(T, { fvTenant: { attributes: {}, children: [{ fvCtx: { attributes: { dn: `${T}/ctx-v`, status: 'deleted' } } }] } });
    expect(tree.get(`${T}/ctx-v`)).toBeUndefined();
  });

  it('DELETE removes the whole subtree', async () => {
    await post('uni', l3outPayload());
    expect(tree.descendants(O).length).toBeGreaterThan(10);
    const res = await apicFetch(apic, 'DELETE', `/api/mo/${O}.json`, { cookie });
    expect(res.status).toBe(200);
    expect(tree.get(O)).toBeUndefined();
    expect(tree.descendants(O)).toEqual([]);
    expect(tree.byClass('bgpAsP').filter((m) => m.dn.startsWith(O))).toEqual([]);
    expect(tree.get(`${T}/bgpCtxP-K8s_L3OUT-Timers`)).toBeDefined();
  });

  it('the URL DN must agree with the payload', async () => {
    const res = await post('uni/tn-a', { fvTenant: { attributes: { name: 'b' } } });
    expect(res.status).toBe(400);
    expect(tree.get('uni/tn-a')).toBeUndefined();
    expect(tree.get('uni/tn-b')).toBeUndefined();
  });
});
