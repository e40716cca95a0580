import type { Command } from 'commander';

/** Registers the `akb plan …` subcommands. */
export function registerPlanCommands(_program: Command): void {}
