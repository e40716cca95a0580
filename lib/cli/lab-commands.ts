import type { Command } from 'commander';
import { registerLabK8sCommand } from '../lab/k8s/cli';
import { registerLabApicCommand } from '../lab/apic/cli';
import { registerLabRuntimeCommands } from '../lab/cli';

/** Registers the `akb lab …` subcommands: simulated backends for development and tests. */
export function registerLabCommands(program: Command): void {
  const lab = program.command('lab').description('simulated APIC and Kubernetes API servers on loopback');
  registerLabK8sCommand(lab);
  registerLabApicCommand(lab);
  registerLabRuntimeCommands(lab);
}
