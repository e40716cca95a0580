/** One thing wrong with a spec: where (a field path such as `fabric.anchorLeaves[1].ipv4`) and what. */
export interface Problem {
  path: string;
  message: string;
}

/** Formats a zod-style path (keys and array indexes) as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Collects problems in the order the checks find them. */
export class ProblemList {
  readonly items: Problem[] = [];
  add(path: string, message: string): void {
    this.items.push({ path, message });
  }
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('\n');
}
