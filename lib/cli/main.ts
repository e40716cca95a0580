import { Command, CommanderError } from 'commander';
import { registerLabCommands } from './lab-commands';
import { registerGraphCommands } from './graph-commands';
import { registerPlanCommands } from './plan-commands';
import { registerCaptureCommands } from './capture-commands';
import { registerApplyCommands } from './apply/commands';

/** Builds the `akb` command line. Each area registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('akb')
    .description('Kubernetes on Cisco ACI: live topology, ECMP/BGP troubleshooting, provisioning')
    .exitOverride()
    .showHelpAfterError();
  registerLabCommands(program);
  registerGraphCommands(program);
  registerPlanCommands(program);
  registerCaptureCommands(program);
  registerApplyCommands(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code (2 for usage errors, as for bad input). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}
