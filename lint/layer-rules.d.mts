import type { Linter } from 'eslint';
export function layerConfig(root: string): Linter.Config[];
