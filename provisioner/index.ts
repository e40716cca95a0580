/** The provisioner's public API: spec → validation → plan → files. Never imports from app/. */
export { specSchema, secretRef, type Spec, type SpecInput, type AnchorLeaf, type ClusterNode } from './spec/schema';
export { validateSpec, validateSpecText, type ValidationResult } from './spec/validate';
export { resolveSpec, defaultClusterAsn, defaultSubnets, type ResolvedSpec, type FamilyAddressing } from './spec/defaults';
export { formatProblems, type Problem } from './spec/problems';
export { buildPlan, type Plan, type NodeUserData } from './plan/index';
export { planAci, type AciPlan, type AciPayload, type FlatMo } from './plan/aci/index';
export { akbManifests } from './plan/akb';
export { fillSecrets, secretPlaceholder, SECRET_PLACEHOLDER, type SecretUse } from './plan/secrets';
export type { Manifest } from './plan/manifest';
export { renderTerraform } from './output/terraform';
export { renderSummary } from './output/summary';
export { planFiles } from './output/files';
export { writePlan } from './output/write';
