#!/usr/bin/env node
// Entry point of the `akb` command: registers tsx so the TypeScript sources run as they are in a checkout.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
