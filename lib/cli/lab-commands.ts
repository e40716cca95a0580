import type { Command } from 'commander';

/** Registers the `akb lab …` subcommands. */
export function registerLabCommands(_program: Command): void {}
