import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { buildPlan, formatProblems, renderSummary, validateSpecText, writePlan } from '../../provisioner/index';

/** Exit code for a spec that does not validate (same as a usage error). */
export const EXIT_BAD_SPEC = 2;

/** Registers `akb plan <spec> [--out DIR]`. */
export function registerPlanCommands(program: Command): void {
  program
    .command('plan')
    .description('validate a spec and write the APIC payloads, Kubernetes manifests, node user data and Terraform')
    .argument('<spec>', 'spec file (YAML or JSON)')
    .option('--out <dir>', 'directory to write the plan to (nothing is written without it)')
    .action(async (specPath: string, opts: { out?: string }) => {
      let text: string;
      try {
        text = await readFile(specPath, 'utf8');
      } catch (err) {
        console.error(`cannot read spec ${specPath}: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = EXIT_BAD_SPEC;
        return;
      }
      const result = validateSpecText(text);
      if (!result.ok) {
        console.error(`${specPath}: ${result.problems.length} problem(s)\n${formatProblems(result.problems)}`);
        process.exitCode = EXIT_BAD_SPEC;
        return;
      }
      const plan = buildPlan(result.resolved);
      process.stdout.write(renderSummary(plan));
      if (opts.out !== undefined) {
        const written = await writePlan(plan, opts.out);
        process.stdout.write(`\nwrote ${written.length} files to ${opts.out}\n`);
      }
    });
}
