/**
 * Just enough of a Dockerfile reader for the tests to hold the image's definition to what they run: the stages
 * and their base images (ARG defaults substituted), and of the final stage its ENTRYPOINT, ENV, USER and what it
 * copies from the other stages. Not a general parser: continuation lines, JSON-form ENTRYPOINT, `ENV k=v ...`.
 */
export interface Stage {
  name: string | undefined;
  /** The base image with ARG defaults substituted. */
  from: string;
  /** Instructions of the stage, continuation lines joined: [keyword, rest]. */
  instructions: [string, string][];
}

export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const kw = keyword.toUpperCase();
    if (kw === 'ARG' && stages.length === 0) {
      const [name, value] = rest.split('=', 2);
      if (name && value !== undefined) args.set(name, value);
      continue;
    }
    if (kw === 'FROM') {
      const [image = '', , name] = rest.split(/\s+/);
      const from = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a: string, b: string) => args.get(a ?? b) ?? m);
      stages.push({ name, from, instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push([kw, rest]);
  }
  return stages;
}

export interface RuntimeStage {
  from: string;
  user: string | undefined;
  entrypoint: string[];
  env: Record<string, string>;
  /** Paths the final stage copies from the build stage, relative to its WORKDIR (/app). */
  copiedFromBuild: string[];
  /** Arguments of the deps stage's `npm ci` after `ci`, up to the next shell operator. */
  npmCiArgs: string[];
  /** node_modules paths the deps stage removes after installing. */
  removedModules: string[];
  /** Whether the final stage removes npm from the base image. */
  removesNpm: boolean;
}

/** The final stage and the `deps` stage it takes node_modules from. */
export function runtimeStage(text: string): RuntimeStage {
  const stages = parseDockerfile(text);
  const final = stages.at(-1);
  const deps = stages.find((s) => s.name === 'deps');
  if (!final || !deps) throw new Error('Dockerfile: expected a deps stage and a final stage');
  const of = (s: Stage, kw: string) => s.instructions.filter(([k]) => k === kw).map(([, r]) => r);
  const env: Record<string, string> = {};
  for (const e of of(final, 'ENV')) for (const [, k, v] of e.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
  const copiedFromBuild = of(final, 'COPY')
    .filter((c) => c.startsWith('--from=build '))
    .flatMap((c) => c.split(/\s+/).slice(1, -1))
    .map((p) => p.replace(/^\/app\//, ''));
  const depsRun = of(deps, 'RUN').join(' && ');
  const npmCi = /npm ci ((?:(?!&&)\S+\s*)*)/.exec(depsRun)?.[1]?.trim().split(/\s+/) ?? [];
  const removedModules = [...depsRun.matchAll(/\bnode_modules\/[\w@./-]+/g)].map((m) => m[0]);
  return {
    from: final.from,
    user: of(final, 'USER').at(-1),
    entrypoint: JSON.parse(of(final, 'ENTRYPOINT').at(-1) ?? '[]') as string[],
    env,
    copiedFromBuild,
    npmCiArgs: npmCi.filter((a) => a === '--omit=dev' || a === '--ignore-scripts'),
    removedModules,
    removesNpm: of(final, 'RUN').some((r) => /rm -rf [^&]*\/usr\/local\/(lib\/node_modules|bin\/npm)/.test(r)),
  };
}
