import fc from 'fast-check';

/**
 * Generates valid spec documents: random node subnets (IPv4 /22-/26, optional IPv6 /56-/64), 1-6 anchor
 * leaves over 1-3 racks, 1 or 3 masters plus workers, any CNI, either mode. Addresses are laid out so
 * they are valid by construction; the properties then check what the plan does with them.
 */
export const arbitrarySpecDoc = fc
  .record({
    a: fc.integer({ min: 0, max: 255 }),
    b: fc.integer({ min: 0, max: 63 }),
    prefix: fc.integer({ min: 22, max: 26 }),
    v6: fc.option(fc.record({ word: fc.integer({ min: 1, max: 0xffff }), prefix: fc.constantFrom(56, 60, 64) }), { nil: undefined }),
    racks: fc.integer({ min: 1, max: 3 }),
    anchors: fc.integer({ min: 1, max: 6 }),
    masters: fc.constantFrom(1, 3),
    workers: fc.integer({ min: 0, max: 5 }),
    cni: fc.constantFrom('calico', 'kube-router', 'cilium'),
    mode: fc.constantFrom('full', 'aci-only'),
    vrfInCommon: fc.boolean(),
    password: fc.boolean(),
    tenant: fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/),
  })
  .map((p) => {
    // 10.<a>.<4b>.0/<prefix>: aligned for every prefix down to /22.
    const base = `10.${p.a}.${p.b * 4}`;
    const at = (offset: number) => `${base}.${offset}`; // offsets < 64 stay inside even a /26
    const v6base = p.v6 ? `fd00:${p.v6.word.toString(16)}::` : undefined;
    const at6 = (offset: number) => `fd00:${p.v6!.word.toString(16)}::${offset.toString(16)}`;
    const racks = Array.from({ length: Math.min(p.racks, p.anchors) }, (_, i) => `r${i + 1}`);
    const anchors = Array.from({ length: p.anchors }, (_, i) => ({
      podId: 1,
      rackId: racks[i % racks.length]!,
      nodeId: 101 + i,
      routerId: `1.1.1.${101 + i}`,
      ipv4: at(40 + i),
      ...(v6base ? { ipv6: at6(40 + i) } : {}),
    }));
    const nodes = Array.from({ length: p.masters + p.workers }, (_, i) => ({
      name: `node-${i}`,
      role: i < p.masters ? 'master' : 'worker',
      rack: racks[i % racks.length]!,
      ipv4: at(1 + i),
      ...(v6base ? { ipv6: at6(1 + i) } : {}),
      placement: { type: 'bare-metal', sshHost: at(1 + i), hostKey: 'SHA256:Bpln1aGaJEBzC0tG0iZlQ/GMN0QLo4i+4CHG4Z7WHQ0' },
    }));
    return {
      mode: p.mode,
      fabric: {
        apic: { urls: ['https://apic.example.com'], username: 'akb', credentials: 'env:APIC_PASSWORD' },
        asn: 65002,
        tenant: p.tenant,
        vrf: { tenant: p.vrfInCommon ? 'common' : p.tenant, name: 'vrf' },
        contract: { tenant: 'common', name: 'k8s' },
        physicalDomain: 'phys',
        nodeSubnet: { ipv4: `${base}.0/${p.prefix}`, ...(v6base ? { ipv6: `${v6base}/${p.v6!.prefix}` } : {}) },
        vlan: 100,
        ...(p.password ? { bgpPassword: 'env:BGP_PASSWORD' } : {}),
        anchorLeaves: anchors,
      },
      cluster: {
        name: 'prop',
        kubernetesVersion: '1.31.4',
        cni: p.cni,
        // Large enough for every generated node count with the default blocks.
        podSubnet: { ipv4: '172.16.0.0/16', ...(v6base ? { ipv6: 'fd99::/56' } : {}) },
        serviceSubnet: { ipv4: '172.17.0.0/16', ...(v6base ? { ipv6: 'fd98::/108' } : {}) },
        externalServiceSubnet: { ipv4: '172.18.0.0/24', ...(v6base ? { ipv6: 'fd97::/120' } : {}) },
        nodes: p.mode === 'full' ? nodes : [],
      },
    };
  });
