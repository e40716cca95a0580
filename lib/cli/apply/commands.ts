import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { defaultStateDir, startClusterJob } from './cluster-job';
import {
  followJob,
  listJobs,
  resolveStateKey,
  type JobCommand,
  type JobEvent,
  type JobOutcome,
  type PlanSummary,
} from '../../../provisioner/apply/index';
import { humanOutput } from './job-output';

/**
 * `akb apply | diff | destroy <spec>` and `akb jobs`. Exit codes: apply/destroy 0 done, 1 failed (or declined, or
 * something left behind), 2 bad input, 3 another job holds the cluster; diff 0 nothing differs, 1 something does,
 * 2 bad input, 3 diff itself failed (as kubectl diff: >1 is an error).
 */

interface JobFlags {
  yes?: boolean;
  json?: boolean;
  stateDir?: string;
  stateKey?: string;
  kubeconfig?: string;
  apicCaFile?: string;
  adopt?: boolean;
  snapshot?: boolean;
  rollbackOnFailure?: boolean;
  verifyTimeout?: number;
  concurrency?: number;
}

const positiveInt = (what: string) => (v: string) => {
  if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError(`${what} must be a positive whole number`);
  return Number(v);
};

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function exitCode(command: JobCommand, o: JobOutcome, noTty: boolean): number {
  if (o.errorKind === 'input' || (o.outcome === 'declined' && noTty)) return 2;
  if (o.errorKind === 'locked') return 3;
  if (command === 'diff') return o.outcome === 'failed' ? 3 : o.changes > 0 ? 1 : 0;
  return o.outcome === 'succeeded' ? 0 : 1;
}

async function runJob(command: JobCommand, specPath: string, f: JobFlags): Promise<number> {
  const err = process.stderr;
  let specText: string;
  try {
    specText = await readFile(specPath, 'utf8');
  } catch (e) {
    err.write(`akb ${command}: cannot read spec ${specPath} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})\n`);
    return 2;
  }
  let stateKey: string;
  try {
    stateKey = (await resolveStateKey(f.stateKey)).key;
  } catch (e) {
    err.write(`akb ${command}: ${(e as Error).message}\n`);
    return 2;
  }
  const interactive = Boolean(process.stdin.isTTY);
  let noTty = false;
  const confirm = async (plan: PlanSummary): Promise<boolean> => {
    if (f.yes) return true;
    if (!interactive) {
      noTty = true;
      err.write(`akb ${command}: ${plan.changes} change(s) to make and no terminal to confirm them: re-run with --yes\n`);
      return false;
    }
    return ask(`${command === 'destroy' ? 'Destroy' : 'Apply'} these ${plan.changes} change(s)? [y/N] `);
  };
  const human = f.json ? undefined : command === 'diff' ? humanOutput(process.stdout, { err }) : humanOutput(err);
  const job = startClusterJob({
    command,
    specText,
    specPath,
    stateKey,
    ...(f.stateDir ? { stateDir: f.stateDir } : {}),
    ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
    ...(f.apicCaFile ? { apicCaFile: f.apicCaFile } : {}),
    adopt: f.adopt ?? false,
    snapshot: f.snapshot ?? false,
    rollbackOnFailure: f.rollbackOnFailure ?? false,
    ...(f.verifyTimeout ? { verifyTimeoutMs: f.verifyTimeout * 1000 } : {}),
    ...(f.concurrency ? { concurrency: f.concurrency } : {}),
    ...(command !== 'diff' ? { confirm } : {}),
    offerRollback: async (snaps) =>
      interactive && !f.json
        ? ask(
            `Roll back ${snaps.map((s) => `uni/tn-${s.tenant}`).join(', ')} to the snapshot taken before this job? (also undoes other changes made since) [y/N] `,
          )
        : false,
  });
  for await (const e of job.events) {
    if (f.json) process.stdout.write(`${JSON.stringify(e)}\n`);
    else human!.write(e);
  }
  human?.end();
  const outcome = await job.done;
  if (!job.id && outcome.error) err.write(`akb ${command}: ${outcome.error}\n`);
  return exitCode(command, outcome, noTty);
}

function jobOptions(cmd: Command, writes: boolean): Command {
  cmd
    .argument('<spec>', 'spec file (YAML or JSON)')
    .option('--json', 'print one JSON event per line (for scripts and the UI)')
    .option('--state-dir <dir>', 'state directory of the cluster (default .akb/clusters/<name>)')
    .option(
      '--state-key <ref>',
      'key of the state secret store: env:NAME or file:/path (default AKB_STATE_KEY, else ~/.config/akb/state.key)',
    )
    .option('--kubeconfig <file>', "kubeconfig of the cluster (default: the spec's cluster.kubeconfig, $KUBECONFIG, ~/.kube/config)")
    .option('--apic-ca-file <file>', "PEM of the APIC's CA (default: the spec's fabric.apic.caFile)");
  if (writes) cmd.option('--yes', 'do not ask before changing anything');
  return cmd;
}

export function registerApplyCommands(program: Command): void {
  const apply = jobOptions(
    program.command('apply').description('make the fabric and the cluster match a spec (aci-only mode: an existing cluster)'),
    true,
  )
    .option('--adopt', 'take over existing objects akb did not create (ACI objects at planned DNs; Kubernetes fields other managers own)')
    .option('--snapshot', 'take a snapshot of the tenant(s) before the first APIC write')
    .option('--rollback-on-failure', 'with --snapshot: roll the tenant(s) back to it if the job fails')
    .option(
      '--verify-timeout <seconds>',
      'how long to wait for every BGP session to be established (default 180)',
      positiveInt('--verify-timeout'),
    )
    .option('--concurrency <n>', 'steps run at once (default 4)', positiveInt('--concurrency'));
  apply.action(async (spec: string, f: JobFlags) => {
    process.exitCode = await runJob('apply', spec, f);
  });
  jobOptions(
    program
      .command('diff')
      .description('what apply would change, read live from the fabric and the cluster (exit 0: nothing, 1: something, 2: bad input)'),
    false,
  ).action(async (spec: string, f: JobFlags) => {
    process.exitCode = await runJob('diff', spec, f);
  });
  jobOptions(
    program.command('destroy').description("remove what akb created (only what its state records and the fabric shows as akb's)"),
    true,
  ).action(async (spec: string, f: JobFlags) => {
    process.exitCode = await runJob('destroy', spec, f);
  });
  program
    .command('jobs')
    .description("list a cluster's jobs from its journal, or follow one")
    .option('--state-dir <dir>', 'state directory of the cluster (default: every cluster under .akb/clusters)')
    .option('--follow <job>', "print a job's events as it runs, until it finishes")
    .option('--json', 'one JSON object per line')
    .action(async (f: { stateDir?: string; follow?: string; json?: boolean }) => {
      process.exitCode = await jobsCommand(f);
    });
}

async function stateDirs(given?: string): Promise<string[]> {
  if (given) return [given];
  const root = defaultStateDir('x').replace(/\/x$/, '');
  return (await readdir(root).catch(() => [] as string[])).map((d) => join(root, d));
}

async function jobsCommand(f: { stateDir?: string; follow?: string; json?: boolean }): Promise<number> {
  const dirs = await stateDirs(f.stateDir);
  if (f.follow) {
    for (const dir of dirs) {
      if (!(await listJobs(dir)).some((j) => j.job === f.follow)) continue;
      const human = f.json ? undefined : humanOutput(process.stdout);
      let last: JobEvent | undefined;
      for await (const e of followJob(dir, f.follow)) {
        last = e;
        if (f.json) process.stdout.write(`${JSON.stringify(e)}\n`);
        else human!.write(e);
      }
      human?.end();
      if (last?.type !== 'job-finished') process.stderr.write(`akb jobs: job ${f.follow} stopped without finishing (interrupted)\n`);
      return last?.type === 'job-finished' && last.outcome === 'succeeded' ? 0 : 1;
    }
    process.stderr.write(`akb jobs: no job ${f.follow} in ${dirs.join(', ') || '.akb/clusters'}\n`);
    return 2;
  }
  for (const dir of dirs) {
    const jobs = await listJobs(dir);
    if (f.json) {
      for (const j of jobs) process.stdout.write(`${JSON.stringify({ stateDir: dir, ...j })}\n`);
      continue;
    }
    process.stdout.write(`${dir}:\n`);
    if (jobs.length === 0) process.stdout.write('  no jobs\n');
    for (const j of jobs)
      process.stdout.write(
        `  ${j.job}  ${j.command.padEnd(7)} ${j.outcome.padEnd(11)} ${j.startedAt}${j.finishedAt ? ` → ${j.finishedAt}` : ''}  ${j.changed} changed${j.failed ? `, ${j.failed} failed` : ''}${j.error ? `  ${j.error.split('\n')[0]}` : ''}\n`,
      );
  }
  return 0;
}
