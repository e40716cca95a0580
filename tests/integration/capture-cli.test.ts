/**
 * `akb capture` as a user runs it: a separate process against a lab on loopback, then `akb graph` of the file
 * it wrote, compared with the lab's ground truth. Also its exit codes and that no secret reaches the output.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fabricQueries } from '../../lib/aci/fabric-queries';
import type { TopologyGraph } from '../../lib/topology/graph';
import { serveLab, truthMismatches, type ServedLab } from './roundtrip-support';
import { cleanEnv, runAkb } from '../support/akb-cli';

const akb = (args: string[], env?: NodeJS.ProcessEnv) => runAkb(args, { env: env ?? cleanEnv() });

/** Spawns processes or serves a 500-node lab: allow for a loaded 2-core machine. */
const SLOW_TEST_MS = 90_000;

describe('akb capture (CLI)', () => {
  let served: ServedLab;
  beforeAll(async () => {
    served = await serveLab('demo');
  });
  afterAll(async () => {
    await served.stop();
  });

  it(
    'captures a running lab to a file; `akb graph` of that file matches the ground truth',
    async () => {
      const { lab, dir } = served;
      const out = join(dir, 'bundle.json');
      const capture = await akb(['capture', '--lab-dir', dir, '--out', out]);
      expect(capture.stderr).toMatch(
        new RegExp(`${1 + fabricQueries(lab.fabric).length} APIC requests \\(\\d+ objects\\), \\d+ Kubernetes requests`),
      );
      expect(capture.code).toBe(0);
      expect(capture.stdout).toBe('');
      expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ format: 'akb-bundle/v1', fabric: lab.fabric });

      const graph = await akb(['graph', out]);
      expect(graph.stderr).toBe('');
      expect(graph.code).toBe(0);
      expect(truthMismatches(JSON.parse(graph.stdout) as TopologyGraph, lab.truth())).toEqual([]);

      const password = lab.apicConnection.password;
      for (const text of [capture.stdout, capture.stderr, graph.stderr]) expect(text).not.toContain(password);
    },
    SLOW_TEST_MS,
  );

  it(
    'exits 2 naming the setting when the configuration is incomplete, 1 with no secret when the APIC refuses the login',
    async () => {
      const { lab, dir } = served;
      const url = lab.apicConnection.urls[0]!;
      const missing = await akb(
        ['capture', '--apic-url', url, '--tenant', 't', '--vrf', 'v'],
        cleanEnv({ AKB_APIC_PASSWORD: 'not-the-password-42' }),
      );
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--apic-user \(AKB_APIC_USER\): required/);
      expect(missing.stderr).not.toContain('not-the-password-42');

      const kubeconfig = join(dir, 'kubeconfig');
      const ca = join(dir, 'apic-ca.pem');
      const refused = await akb(
        [
          'capture',
          '--apic-url',
          url,
          '--apic-user',
          'admin',
          '--apic-ca-file',
          ca,
          '--tenant',
          lab.fabric.tenant,
          '--vrf',
          lab.fabric.vrf,
          '--kubeconfig',
          kubeconfig,
        ],
        cleanEnv({ AKB_APIC_PASSWORD: 'not-the-password-42' }),
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr.length).toBeGreaterThan(0);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).not.toContain('not-the-password-42');
    },
    SLOW_TEST_MS,
  );
});
