import type { Command } from 'commander';

/** Registers the `akb graph …` subcommands. */
export function registerGraphCommands(_program: Command): void {}
