/** Table export: CSV (RFC 4180 quoting) and JSON of exactly the rows and columns shown. */

export interface Column<Row> {
  key: string;
  header: string;
  value: (row: Row) => string | number | boolean | null;
}

/** A plain number as text (`-3`, `+1.5e3`): safe to leave as it is, a spreadsheet reads it as the number. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/**
 * Characters a spreadsheet may start a formula with (OWASP CSV injection): `=`, `+`, `-`, `@`, tab and carriage
 * return, and their full-width forms, which some spreadsheets fold to the ASCII ones.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

function csvCell(v: string | number | boolean | null): string {
  const s = v === null ? '' : String(v);
  // Neutralise formula injection: a cell that could start a formula is prefixed with `'` unless it is a plain
  // number (`-2+3+cmd|…` is not one); then quote anything a spreadsheet could misread.
  const safe = typeof v !== 'number' && FORMULA_START.test(s) && !NUMBER.test(s) ? `'${s}` : s;
  return /[",\r\n\t]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  return `${JSON.stringify(
    rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, c.value(r)]))),
    null,
    2,
  )}\n`;
}

export type SortDir = 'asc' | 'desc';

/** Sorts by one column: numbers numerically, strings naturally (eth1/2 before eth1/10), nulls last. */
export function sortRows<Row>(rows: readonly Row[], column: Column<Row>, dir: SortDir): Row[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === null || x === '') return y === null || y === '' ? 0 : 1;
    if (y === null || y === '') return -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x).localeCompare(String(y), 'en', { numeric: true });
  });
}

/** Keeps rows where any column contains the text (case-insensitive). */
export function filterRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], text: string): Row[] {
  const q = text.trim().toLowerCase();
  if (q === '') return [...rows];
  return rows.filter((r) =>
    columns.some((c) =>
      String(c.value(r) ?? '')
        .toLowerCase()
        .includes(q),
    ),
  );
}
