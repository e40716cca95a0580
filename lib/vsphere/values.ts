import { readMoRef, type MoRef } from './envelope';
import { child, children, childText, el, xsiType, type XmlElement } from './xml';

/**
 * vim25 data objects both ends of the wire read or write: option values (`extraConfig`), property-collector
 * answers (`ObjectContent`) and task state (`TaskInfo`).
 */

/** `<extraConfig xsi:type="OptionValue"><key>k</key><value xsi:type="xsd:string">v</value></extraConfig>`. */
export function optionValueEl(name: string, key: string, value: string): XmlElement {
  return el(name, { 'xsi:type': 'OptionValue' }, el('key', key), el('value', { 'xsi:type': 'xsd:string' }, value));
}

/**
 * Option values as a map. A key listed twice keeps its last value (what a reconfigure that appends rather than
 * replaces leaves behind, as govmomi's simulator 0.24 does, reads as the value the VM would use).
 */
export function readOptionValues(els: XmlElement[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of els) {
    const key = childText(e, 'key');
    if (key !== undefined) out.set(key, childText(e, 'value') ?? '');
  }
  return out;
}

/** One object of a property-collector answer: its reference and the value elements by property path. */
export interface ObjectContent {
  obj: MoRef;
  props: Map<string, XmlElement>;
  /** Paths the server could not read (`missingSet`), with the fault type. */
  missing: Map<string, string>;
}

export function readObjectContent(e: XmlElement): ObjectContent | undefined {
  const obj = readMoRef(child(e, 'obj'));
  if (!obj) return undefined;
  const props = new Map<string, XmlElement>();
  for (const p of children(e, 'propSet')) {
    const name = childText(p, 'name');
    const val = child(p, 'val');
    if (name !== undefined && val) props.set(name, val);
  }
  const missing = new Map<string, string>();
  for (const m of children(e, 'missingSet')) {
    const path = childText(m, 'path');
    const fault = child(child(m, 'fault'), 'fault');
    if (path !== undefined) missing.set(path, (fault && xsiType(fault)) ?? 'unknown');
  }
  return { obj, props, missing };
}

export type TaskState = 'queued' | 'running' | 'success' | 'error';

export interface TaskInfoView {
  state: TaskState;
  /** `descriptionId`, e.g. `VirtualMachine.clone`. */
  descriptionId?: string;
  entity?: MoRef;
  result?: MoRef;
  /** The fault type and vCenter's message, when the task failed. */
  error?: { faultType: string; message: string };
}

export function readTaskInfo(info: XmlElement): TaskInfoView | undefined {
  const state = childText(info, 'state');
  if (state !== 'queued' && state !== 'running' && state !== 'success' && state !== 'error') return undefined;
  const err = child(info, 'error');
  const fault = child(err, 'fault');
  const result = readMoRef(child(info, 'result'));
  const entity = readMoRef(child(info, 'entity'));
  const descriptionId = childText(info, 'descriptionId');
  return {
    state,
    ...(descriptionId !== undefined ? { descriptionId } : {}),
    ...(entity ? { entity } : {}),
    ...(result ? { result } : {}),
    ...(err ? { error: { faultType: (fault && xsiType(fault)) ?? 'unknown', message: childText(err, 'localizedMessage') ?? '' } } : {}),
  };
}
