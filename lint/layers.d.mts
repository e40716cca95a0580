export type Runs = 'browser' | 'server' | 'both';
export interface Layer {
  name: string;
  files: string[];
  entries?: string[];
  runs: Runs;
  mayImport: string[];
  why: string;
}
export const LAYERS: Layer[];
export const TEST_FILES: string[];
export const CONFIG_FILES: string[];
export const SERVER_ONLY_PACKAGES: string[];
