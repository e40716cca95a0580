/**
 * The apply engine's public API (for the CLI, the UI's server side and providers). Never imports from app/.
 * Steps: engine/step.ts. Jobs: job.ts (start), jobs.ts (list, read, follow). State: state/*.
 */
export type {
  Step,
  StepContext,
  StepId,
  Change,
  ChangeAction,
  FieldChange,
  Progress,
  PollResult,
  PollOptions,
  StateStore,
} from '../providers/step';
export { StepRefusedError, WaitTimeoutError, CancelledError } from '../providers/step';
export { jobEventSchema, changeSchema, type JobEvent, type JobEventInput, type JobCommand } from './engine/events';
export { runSteps, type RunOptions, type RunResult, type StepResult } from './engine/runner';
export { orderSteps, StepGraphError } from './engine/graph';
export { Redactor } from './engine/redactor';
export {
  startJob,
  newJobId,
  JobInputError,
  type JobDefinition,
  type JobEnvironment,
  type JobHandle,
  type JobOutcome,
  type PlanSummary,
} from './job';
export { listJobs, readJobEvents, followJob, interruptedJobs, type JobSummary } from './jobs';
export { ClusterState, StateError, type ResourceRecord, type StateDraft } from './state/cluster-state';
export { SecretStore, SecretStoreError } from './state/secret-store';
export { acquireLock, lockHolder, LockHeldError, type HeldLock, type LockInfo } from './state/lock';
export { writeFileAtomic } from './state/atomic-file';
export { resolveSecretRef, SecretRefError } from './secret-ref';
export { resolveStateKey } from './state-key';
