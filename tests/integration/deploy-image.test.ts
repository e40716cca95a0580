import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile, runtimeStage } from '../support/dockerfile';
import { REPO } from './deploy-support';

/**
 * The image's definition (docker build cannot run here). What the final stage runs is exercised by
 * tests/e2e/image-runtime.spec.ts: the same files, a clean `npm ci --omit=dev`, plain node.
 */
const dockerfile = () => readFile(join(REPO, 'Dockerfile'), 'utf8');

describe('Dockerfile', () => {
  it('builds every stage on a digest-pinned Node 22 or 24 LTS image', async () => {
    const stages = parseDockerfile(await dockerfile());
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', undefined]);
    for (const s of stages) expect(s.from).toMatch(/^(docker\.io\/(library\/)?)?node:(22|24)([.\d]*)(-[a-z]+)*@sha256:[0-9a-f]{64}$/);
  });

  it('runs the compiled server with plain node, as a non-root user, with no npm and no compiler in the final stage', async () => {
    const text = await dockerfile();
    const final = runtimeStage(text);
    expect(final.entrypoint).toEqual(['node', 'dist/server.mjs']);
    expect(final.user).toBe('10001:10001');
    expect(final.removesNpm).toBe(true);
    expect(final.npmCiArgs).toContain('--omit=dev');
    expect(final.removedModules).toEqual(expect.arrayContaining(['node_modules/tsx', 'node_modules/esbuild']));
    // The final stage takes the build's outputs, not its sources or its full node_modules.
    expect(final.copiedFromBuild).toEqual(expect.arrayContaining(['dist', '.next', 'public', 'package.json', 'next.config.ts']));
    expect(
      final.copiedFromBuild.filter((p) => p === 'node_modules' || (p.endsWith('.ts') && p !== 'next.config.ts') || p === 'lib'),
    ).toEqual([]);
    expect(parseDockerfile(text).find((s) => s.name === 'build')?.instructions).toContainEqual([
      'RUN',
      expect.stringMatching(/npm run build:server/),
    ]);
  });

  it('bakes in no secrets and keeps them out of the build context', async () => {
    const text = await dockerfile();
    const settings = text
      .split('\n')
      .filter((l) => /^\s*(ENV|ARG)\b|^\s+[A-Z_]+=/.test(l))
      .join('\n');
    expect(settings).not.toMatch(/PASSWORD|TOKEN|SECRET|KEY/i);
    const ignore = (await readFile(join(REPO, '.dockerignore'), 'utf8')).split('\n');
    for (const entry of ['node_modules', '.akb', 'deploy/overlays/*', '**/secrets', '*.key', '.env', 'dist'])
      expect(ignore).toContain(entry);
    // The image's `akb plan` renders akb from deploy/base and the example overlay: those go in, site overlays do not.
    expect(ignore).not.toContain('deploy');
    expect(ignore).toContain('!deploy/overlays/example');
  });
});
