'use client';

import { NODE_KINDS, type ViewFilters } from '../../lib/view';

interface Choices {
  namespaces: string[];
  bgpStates: string[];
  secondary: string[];
}

function Multi({
  label,
  name,
  options,
  value,
  onChange,
}: {
  label: string;
  name: string;
  options: readonly string[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  return (
    <label className="flex items-center gap-1 text-xs">
      <span className="text-slate-500">{label}</span>
      <select
        data-testid={`filter-${name}`}
        value={value[0] ?? ''}
        onChange={(e) => onChange(e.target.value ? [e.target.value] : [])}
        className="rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-700 dark:bg-slate-900"
      >
        <option value="">all</option>
        {[...new Set([...options, ...value])].map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Filters by namespace, label, kind, BGP state and secondary network type; all mirrored in the URL. */
export function FilterBar({ filters, choices, onChange }: { filters: ViewFilters; choices: Choices; onChange: (f: ViewFilters) => void }) {
  return (
    <div className="flex flex-wrap items-center gap-3" role="group" aria-label="Filters">
      <Multi
        label="namespace"
        name="ns"
        options={choices.namespaces}
        value={filters.namespaces}
        onChange={(namespaces) => onChange({ ...filters, namespaces })}
      />
      <Multi
        label="kind"
        name="kind"
        options={NODE_KINDS}
        value={filters.kinds}
        onChange={(kinds) => onChange({ ...filters, kinds: kinds as ViewFilters['kinds'] })}
      />
      <Multi
        label="BGP"
        name="bgp"
        options={choices.bgpStates}
        value={filters.bgpStates}
        onChange={(bgpStates) => onChange({ ...filters, bgpStates })}
      />
      <Multi
        label="secondary"
        name="sec"
        options={choices.secondary}
        value={filters.secondary}
        onChange={(secondary) => onChange({ ...filters, secondary })}
      />
      <label className="flex items-center gap-1 text-xs">
        <span className="text-slate-500">labels</span>
        <input
          data-testid="filter-label"
          defaultValue={filters.labels.join(',')}
          placeholder="app=web,tier"
          onKeyDown={(e) => {
            if (e.key === 'Enter')
              onChange({
                ...filters,
                labels: e.currentTarget.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              });
          }}
          className="w-32 rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-700 dark:bg-slate-900"
        />
      </label>
    </div>
  );
}
