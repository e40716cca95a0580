import { describe, expect, it } from 'vitest';
import { ApicClient, classQuery } from '../../lib/aci';
import type { WireMo } from '../../lib/aci/mo';
import { startLab } from '../../lib/lab';
import { groundTruth, builtScenarioNames, type RouteTruth, type SessionTruth } from '../../lib/lab/model';

/**
 * Existing scenarios keep their meaning: each one's configuration, seeded into the lab APIC and Kubernetes API and
 * read back by the twin, gives exactly the sessions and routes the scenario declares (model/bgp.ts and routes.ts,
 * computed from the scenario's own description) — in the lab's truth and on the APIC wire, read with akb's client.
 */

const session = (s: Pick<SessionTruth, 'node' | 'peerIp' | 'leaf' | 'state'>) => `${s.node} ${s.peerIp} leaf ${s.leaf} ${s.state}`;
const route = (r: RouteTruth) => `leaf ${r.leaf} ${r.prefix} via ${r.nextHops.map((h) => h.addr).join(',')} of ${r.candidates}`;
const attrs = (mo: WireMo) => Object.values(mo)[0]!.attributes;

describe('configuration-derived sessions and routes equal the scenario’s declared ones', () => {
  for (const name of builtScenarioNames()) {
    it(name, async () => {
      const lab = await startLab({ scenario: name, apic: { http: true } });
      const apic = new ApicClient({
        controllers: lab.apicConnection.urls,
        auth: { type: 'password', user: lab.apicConnection.user, password: lab.apicConnection.password },
      });
      try {
        const declared = groundTruth(lab.world());
        const truth = lab.truth();
        expect(truth.sessions.map(session).sort()).toEqual(declared.sessions.map(session).sort());
        expect(truth.routes.map(route).sort()).toEqual(declared.routes.map(route).sort());

        // What the leaves show on the wire: one bgpPeerEntry per declared session with a leaf, in its state.
        const entries = (await apic.query(classQuery('bgpPeerEntry'))).map(attrs);
        const onWire = entries.map((e) => `${/node-(\d+)\//.exec(e['dn']!)![1]} ${e['addr']} ${e['operSt']}`).sort();
        const expected = declared.sessions
          .filter((s) => s.leaf !== null)
          .map((s) => `${s.leaf} ${s.nodeIp} ${s.state}`)
          .sort();
        expect(onWire).toEqual(expected);
        // And the installed next hops of every route.
        const hops = (await apic.query(classQuery('uribv4Nexthop'))).map(attrs);
        const wireRoutes = new Map<string, string[]>();
        for (const h of hops) {
          const m = /node-(\d+)\/.*\/rt-\[([^\]]+)\]/.exec(h['dn']!)!;
          const key = `${m[1]} ${m[2]}`;
          wireRoutes.set(key, [...(wireRoutes.get(key) ?? []), h['addr']!.replace('/32', '')].sort());
        }
        const declaredRoutes = new Map(declared.routes.map((r) => [`${r.leaf} ${r.prefix}`, r.nextHops.map((h) => h.addr).sort()]));
        expect(Object.fromEntries(wireRoutes)).toEqual(Object.fromEntries(declaredRoutes));
        if (lab.world().scenario.cluster.cni.peers.length > 0) {
          expect(truth.sessions.length).toBeGreaterThan(0);
          expect(truth.routes.length).toBeGreaterThan(0);
        }
      } finally {
        await apic.close();
        await lab.stop();
      }
    });
  }
});
