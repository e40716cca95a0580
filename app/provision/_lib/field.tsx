'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { SpecField, SpecProblem } from '../../../lib/live/shared/provision';
import { getAt, schemaPath, type Draft } from './draft';

/** What every field of the form reads: the schema's field list, the draft, its problems and derived values. */
export interface FormState {
  fields: Map<string, SpecField>;
  draft: Draft;
  problems: SpecProblem[];
  derived: Record<string, string>;
  /** Whether a "required" problem is shown at this path yet: once it was edited, or its step was left. */
  showsRequired(path: string): boolean;
  set(path: string, value: unknown): void;
}

/** zod's wording for an absent field, which the form says as "required" (and only once the field is due). */
const MISSING = /^Invalid input: expected \w+, received undefined$/;

export const FormContext = createContext<FormState | null>(null);

export function useForm(): FormState {
  const form = useContext(FormContext);
  if (!form) throw new Error('useForm outside the wizard form');
  return form;
}

export interface FieldProps {
  path: string;
  kind?: 'text' | 'number' | 'list';
  /** Choices from the live systems (pickers): shown as a select when given. */
  options?: Array<{ value: string; label?: string }>;
  /** Overrides the schema's title where a column header already says it. */
  compact?: boolean;
  placeholder?: string;
  /** Called with the value set (pickers fill related fields, e.g. a leaf's pod and rack). */
  onValue?: (value: unknown) => void;
  children?: ReactNode;
}

const testId = (path: string) => `field-${path}`;

/** One input at one spec path: label, help and default from the schema, the problem at this path right below it. */
export function Field({ path, kind, options, compact, placeholder, onValue }: FieldProps) {
  const form = useForm();
  const meta = form.fields.get(schemaPath(path));
  const type = kind ?? (meta?.type === 'integer' || meta?.type === 'number' ? 'number' : meta?.enum ? 'select' : 'text');
  const raw = getAt(form.draft, path);
  const value = Array.isArray(raw) ? raw.join(', ') : raw === undefined ? '' : String(raw);
  const problems = form.problems
    .filter((p) => p.path === path)
    .flatMap((p) => (MISSING.test(p.message) ? (form.showsRequired(path) ? [{ ...p, message: 'required' }] : []) : [p]));
  const derived = form.derived[path];
  const fallback = derived ?? (meta?.default !== undefined && typeof meta.default !== 'object' ? String(meta.default) : undefined);
  const parse = (text: string): unknown => {
    if (text.trim() === '') return undefined;
    if (meta?.type === 'boolean') return text === 'true';
    if (type === 'number') return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    if (kind === 'list')
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    return text;
  };
  const set = (text: string) => {
    const v = parse(text);
    form.set(path, v);
    onValue?.(v);
  };
  const choices: Array<{ value: string; label?: string }> | undefined = options ?? meta?.enum?.map((v) => ({ value: v }));
  const invalid = problems.length > 0;
  const inputClass = `w-full rounded border px-2 py-1 text-sm dark:bg-slate-900 ${invalid ? 'border-red-500' : 'border-slate-300 dark:border-slate-700'}`;
  return (
    <label className="block text-sm" data-testid={testId(path)} data-invalid={invalid ? 'true' : 'false'}>
      {!compact && (
        <span className="mb-0.5 block font-medium">
          {meta?.title ?? path}
          {meta?.required ? '' : <span className="font-normal text-slate-500"> (optional)</span>}
        </span>
      )}
      {choices ? (
        <select aria-label={meta?.title ?? path} className={inputClass} value={value} onChange={(e) => set(e.target.value)}>
          <option value="">{fallback ? `default: ${fallback}` : '— choose —'}</option>
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label ?? c.value}
            </option>
          ))}
        </select>
      ) : (
        <input
          aria-label={meta?.title ?? path}
          aria-invalid={invalid}
          className={inputClass}
          value={value}
          inputMode={type === 'number' ? 'numeric' : undefined}
          placeholder={placeholder ?? (fallback ? `${derived ? 'derived' : 'default'}: ${fallback}` : '')}
          onChange={(e) => set(e.target.value)}
        />
      )}
      {!compact && meta?.description && <span className="mt-0.5 block text-xs text-slate-500">{meta.description}</span>}
      {problems.map((p) => (
        <span key={p.message} role="alert" data-testid="field-problem" className="mt-0.5 block text-xs text-red-600">
          {p.message}
        </span>
      ))}
    </label>
  );
}
