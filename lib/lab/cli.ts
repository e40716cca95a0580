import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../logging';
import { DEFAULT_LAB_DIR, describeLabEvents, labControlRequest, readLabControl } from './events';
import { startLab } from './lab';

const NUMERIC_FIELDS = new Set(['replicas', 'leaf', 'rack', 'as', 'link', 'id', 'vpcPeer']);
const LIST_FIELDS: Record<string, 'number' | 'string'> = { leaves: 'number', ports: 'string', nics: 'string' };

/**
 * Turns `field=value` words into an event body. Numbers and lists are converted by field name so the event schema
 * (not this parser) decides what is valid and reports it by field.
 */
export function parseEventArgs(kind: string, words: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = { kind };
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`"${word}": expected field=value (e.g. namespace=shop name=web replicas=3)`);
    const field = word.slice(0, eq);
    const value = word.slice(eq + 1);
    const list = LIST_FIELDS[field];
    if (list)
      body[field] = value
        .split(',')
        .filter(Boolean)
        .map((v) => (list === 'number' ? toNumber(v) : v));
    else body[field] = NUMERIC_FIELDS.has(field) ? toNumber(value) : value;
  }
  return body;
}

function toNumber(v: string): number | string {
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

interface EventResponse {
  error?: string;
  issues?: string[];
}

/** `akb lab start` and `akb lab event`: the embedded lab, standalone, and changing it from another shell. */
export function registerLabRuntimeCommands(lab: Command): void {
  lab
    .command('start')
    .description('run the lab (Kubernetes API, APIC and, with ESXi hosts, vCenter on loopback, fed by a scenario) until SIGINT/SIGTERM')
    .option('--scenario <name-or-path>', 'shipped scenario name or scenario YAML file', 'demo')
    .option('--lab-dir <dir>', 'where lab.json, kubeconfig and the APIC and vCenter password files are written', DEFAULT_LAB_DIR)
    .option('--no-demo', 'do not play the demo event stream')
    .action(async (o: { scenario: string; labDir: string; demo: boolean }) => {
      const running = await startLab({ scenario: o.scenario, labDir: o.labDir, demo: o.demo, logger: createLogger({ level: 'warn' }) });
      console.log(`lab "${running.scenarioName}" running${o.demo ? ' with the demo event stream' : ''}`);
      console.log(`  Kubernetes API  ${running.k8s.url}   (KUBECONFIG=${o.labDir}/kubeconfig)`);
      console.log(
        `  APIC            ${running.apicConnection.urls.join(', ')}   (user ${running.apicConnection.user}, password in ${o.labDir}/apic-password)`,
      );
      if (running.vcenterConnection)
        console.log(
          `  vCenter         ${running.vcenterConnection.url}   (user ${running.vcenterConnection.user}, password in ${o.labDir}/vcenter-password, CA ${o.labDir}/vcenter-ca.pem)`,
        );
      console.log(
        `  control         ${running.controlUrl}   (akb lab event <kind> ... --lab-dir ${o.labDir}; token in ${o.labDir}/control-token)`,
      );
      const m = running.machines;
      console.log(
        `  node network    ${m.gateway.socksUrl} = ${m.gateway.httpUrl}   (SOCKS5/HTTP CONNECT gateway${m.sshHosts.length > 0 ? `; SSH hosts ${m.sshHosts.map((h) => h.address).join(', ')}` : ''})`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await running.stop();
    });

  lab
    .command('event')
    .description("change a running lab's world (both servers follow)")
    .argument('<kind>', 'event kind')
    .argument('[fields...]', 'field=value pairs, e.g. namespace=shop name=web replicas=3; lists comma-separated (leaves=101,102)')
    .option('--lab-dir <dir>', 'the lab directory given to "akb lab start"', DEFAULT_LAB_DIR)
    .addHelpText(
      'after',
      `\nEvent kinds and their fields ([optional]):\n${describeLabEvents()
        .map((l) => `  ${l}`)
        .join('\n')}\n\nExample: akb lab event scale-deployment namespace=shop name=frontend replicas=30`,
    )
    .action(async (kind: string, fields: string[], o: { labDir: string }) => {
      const body = parseEventArgs(kind, fields);
      const control = await readLabControl(o.labDir);
      let res: Response;
      try {
        res = await labControlRequest(control, '/events', { body });
      } catch (err) {
        throw new Error(
          `the lab in ${o.labDir} is not answering at ${control.url} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}); is "akb lab start" still running?`,
        );
      }
      const answer = (await res.json()) as EventResponse & Record<string, unknown>;
      if (!res.ok) {
        console.error(`event rejected (HTTP ${res.status}):`);
        for (const issue of answer.issues ?? [answer.error ?? 'unknown error']) console.error(`  ${issue}`);
        process.exitCode = res.status === 400 || res.status === 404 ? 2 : 1;
        return;
      }
      console.log(JSON.stringify(answer));
    });
}
