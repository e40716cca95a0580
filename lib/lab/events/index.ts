/** Lab events: validated changes to a running lab's world. */
export {
  labEventSchema,
  parseLabEvent,
  parseLabEventBatch,
  describeLabEvents,
  LabEventError,
  LAB_EVENT_KINDS,
  MAX_BATCH_EVENTS,
  type LabEvent,
  type LabEventInput,
  type LabEventKind,
  type LabEventResult,
  type LabEventBatchResult,
} from './schema';
export { applyLabEvent } from './apply';
export { startLabControl, type LabControlServer, type LabControlTarget } from './control-server';
export { labFaultControl } from './faults';
export { labControlRequest, readLabControl, type LabControl } from './control-client';
export { writeLabDir, readLabFile, labFileSchema, DEFAULT_LAB_DIR, type LabFile, type LabDirContents } from './lab-dir';
