import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { benchResultsSchema } from '../../bench/result-schema';

/**
 * CI's smoke run of `npm run bench` at the S scale (issue: the benchmark works and its invariant holds). It runs
 * here because the browser phase needs the production build this suite has just made. No timing is asserted:
 * only that every phase measured something and the live graph equalled a fresh capture's after the storm.
 */
test.describe.configure({ timeout: 300_000 });

test('npm run bench -- --scale S measures every phase and the invariant holds', async () => {
  const out = 'test-results/bench-smoke.json';
  const child = spawn('npm', ['run', 'bench', '--', '--scale', 'S', '--storm-seconds', '4', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, `bench failed:\n${stderr.slice(-3000)}`).toBe(0);

  const results = benchResultsSchema.parse(JSON.parse(await readFile(out, 'utf8')));
  expect(results.scales.map((s) => s.scale.name)).toEqual(['S']);
  const s = results.scales[0]!;
  expect(s.world.nodes).toBe(20);
  expect(s.correlation.parseMs).toBeGreaterThan(0);
  expect(s.correlation.totalMs).toBeGreaterThan(0);
  expect(s.initialSync.apicRequests).toBeGreaterThan(0);
  expect(s.initialSync.kubernetesRequests).toBeGreaterThan(0);
  expect(s.storm.eventsSent).toBeGreaterThan(100);
  expect(s.storm.latencyMs.count).toBe(s.storm.eventsSent);
  expect(s.storm.unresolved).toBe(0);
  expect(s.storm.invariantHeld, s.storm.invariantDifferences.join('\n')).toBe(true);
  expect(s.browser.status, s.browser.reason).toBe('measured');
  expect(s.browser.firstGraphPaintMs).toBeGreaterThan(0);
  expect(s.browser.panned).toBe(true);
  // The printed table is the same run's numbers.
  expect(stdout).toContain(`JSON.parse (floor) ms`);
  expect(stdout).toMatch(new RegExp(`invariant held\\s+yes`));
  expect(stdout).toContain(String(s.correlation.parseMs));
});
