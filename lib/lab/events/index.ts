/** Lab events: validated changes to a running lab's world. */
export { labEventSchema, parseLabEvent, describeLabEvents, LabEventError, LAB_EVENT_KINDS, type LabEvent, type LabEventInput, type LabEventKind, type LabEventResult } from './schema';
export { applyLabEvent } from './apply';
export { startLabControl, type LabControlServer, type LabControlTarget } from './control-server';
export { writeLabDir, readLabFile, labFileSchema, DEFAULT_LAB_DIR, type LabFile, type LabDirContents } from './lab-dir';
