import type { Change, JobEvent } from '../../../provisioner/apply/index';

/**
 * Human output of a job: what would change (grouped by step), each step's outcome, what a step waits for with
 * progress (rewritten in place on a terminal, repeated every few seconds otherwise), warnings, and a summary.
 */

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', adopt: '!', restore: '<' };

export function formatChange(c: Change, indent = '    '): string[] {
  const lines = [`${indent}${SYMBOL[c.action]} ${c.action} ${c.target}${c.note ? ` (${c.note})` : ''}`];
  for (const f of c.fields ?? []) {
    if (c.action === 'create') continue;
    lines.push(`${indent}    ${f.path}: ${f.from ?? '(absent)'} → ${f.to ?? '(absent)'}`);
  }
  return lines;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

export interface HumanOutput {
  write(event: JobEvent): void;
  end(): void;
}

type Stream = NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean };

/**
 * `out` gets the answer (a diff's plan); `err` (default: `out`) progress, warnings and failures, so a script can
 * read a diff from stdout and see problems on stderr, as with kubectl diff.
 */
export function humanOutput(out: Stream, opts: { verbose?: boolean; err?: Stream } = {}): HumanOutput {
  const errOut = opts.err ?? out;
  // A diff's answer is its plan: per-step lines would only repeat it.
  let diff = false;
  const tty = Boolean(out.isTTY);
  let waitingLine = false;
  const lastPrinted = new Map<string, { text: string; at: number }>();
  const clear = () => {
    if (tty && waitingLine) out.write('\r\x1b[K');
    waitingLine = false;
  };
  const line = (s: string) => {
    clear();
    out.write(`${s}\n`);
  };
  const problem = (s: string) => {
    clear();
    errOut.write(`${s}\n`);
  };
  return {
    write(e) {
      switch (e.type) {
        case 'job-started':
          diff = e.command === 'diff';
          line(`akb ${e.command}: cluster ${e.cluster}, ${e.steps.length} steps (state in ${e.stateDir}, job ${e.job})`);
          if (e.interrupted?.length)
            line(`  resuming after interrupted job${e.interrupted.length > 1 ? 's' : ''} ${e.interrupted.join(', ')}`);
          break;
        case 'plan':
          if (e.changes === 0) line('nothing to change: the fabric and the cluster match the spec');
          else {
            line(`${e.changes} change${e.changes > 1 ? 's' : ''} in ${e.steps.length} step${e.steps.length > 1 ? 's' : ''}:`);
            for (const s of e.steps) {
              line(`  ${s.step}  (${s.title})`);
              for (const c of s.changes) for (const l of formatChange(c)) line(l);
            }
          }
          break;
        case 'step-started':
          if (opts.verbose) line(`… ${e.step}`);
          break;
        case 'step-waiting': {
          const text = `  … ${e.step}: waiting for ${e.for}${e.progress ? ` [${e.progress.done}/${e.progress.total}]` : ''} (${seconds(e.elapsedMs)})`;
          if (tty) {
            clear();
            out.write(text);
            waitingLine = true;
          } else {
            const last = lastPrinted.get(e.step);
            const base = text.replace(/ \([\d.]+ s\)$/, '');
            if (!last || last.text !== base || e.elapsedMs - last.at >= 10_000) {
              line(text);
              lastPrinted.set(e.step, { text: base, at: e.elapsedMs });
            }
          }
          break;
        }
        case 'step-succeeded': {
          const what = {
            unchanged: 'up to date',
            changed: `changed (${e.changes})`,
            'would-change': `would change (${e.changes})`,
            checked: 'verified',
          }[e.outcome];
          if (!diff || opts.verbose) line(`  ✓ ${e.step}  ${what}  ${seconds(e.elapsedMs)}`);
          break;
        }
        case 'step-failed':
          problem(`  ✗ ${e.step}  ${e.refused ? 'refused' : 'failed'}: ${e.error}`);
          break;
        case 'step-skipped':
          line(`  - ${e.step}  skipped: ${e.reason}`);
          break;
        case 'warning':
          problem(`  ! ${e.step ? `${e.step}: ` : ''}${e.message}`);
          break;
        case 'info':
          line(`  ${e.message}`);
          break;
        case 'job-finished': {
          const s = e.summary;
          if (diff && e.outcome === 'succeeded') break;
          (e.outcome === 'succeeded' ? line : problem)(
            `${e.outcome === 'succeeded' ? 'done' : e.outcome}: ${s.succeeded} steps ok (${s.changed} changed), ${s.failed} failed, ${s.skipped} skipped${e.error ? `\n  ${e.error}` : ''}`,
          );
          for (const l of e.left ?? []) problem(`  left: ${l}`);
          break;
        }
        default:
          break;
      }
    },
    end: clear,
  };
}
