import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BundleError, parseBundleJson } from '../topology/bundle';
import { buildGraph } from '../topology/build-graph';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Registers `akb graph <bundle.json|->`: prints the akb-graph/v1 document of a bundle. */
export function registerGraphCommands(program: Command): void {
  program
    .command('graph')
    .description('print the akb-graph/v1 topology of an akb-bundle/v1 snapshot ("-" reads standard input)')
    .argument('<bundle>', 'bundle JSON file, or - for standard input')
    .action(async (file: string) => {
      let text: string;
      try {
        text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        process.stderr.write(`akb graph: cannot read ${file}${code ? ` (${code})` : ''}\n`);
        process.exitCode = 2;
        return;
      }
      let bundle;
      try {
        bundle = parseBundleJson(text);
      } catch (err) {
        if (!(err instanceof BundleError)) throw err;
        process.stderr.write(`akb graph: invalid bundle: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`${JSON.stringify(buildGraph(bundle), null, 2)}\n`);
    });
}
