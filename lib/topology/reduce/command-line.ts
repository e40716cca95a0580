/**
 * A container's command line reduced to the flags akb reads (kube-router's `--cluster-asn`, its peer and
 * advertisement flags), never the whole `command`/`args`: shell-form arguments (`-pSECRET`, `sh -c "…"`) and
 * flags such as `--peer-router-passwords` are dropped.
 */
import { isPlainObject, scalar, type Reducer } from './mask';

/** The flags the correlator and the ECMP analysis read from kube-router's command line. */
export const KUBE_ROUTER_FLAGS = [
  '--cluster-asn',
  '--peer-router-ips',
  '--advertise-cluster-ip',
  '--advertise-external-ip',
  '--advertise-loadbalancer-ip',
] as const;

/**
 * Which tokens of one container's command line (`command` then `args`, as the correlator concatenates them)
 * survive, and as what. `--flag=value` is kept whole; a bare `--flag` keeps the token after it when that is a
 * value; when the next token is another flag only its name is kept (a bare flag then reads as `true`, as before),
 * so `--advertise-cluster-ip --peer-router-passwords=x` keeps `--peer-router-passwords` and not `x`.
 */
function reduceTokens(tokens: readonly unknown[], flags: readonly string[]): Map<number, unknown> {
  const kept = new Map<number, unknown>();
  const isFlag = (t: string): boolean => flags.some((f) => t === f || t.startsWith(`${f}=`));
  tokens.forEach((t, i) => {
    // A non-string makes the whole list malformed for the correlator's schema: keep it malformed, emptied.
    if (typeof t !== 'string') kept.set(i, {});
    else if (isFlag(t)) kept.set(i, t);
    else if (i > 0 && flags.includes(String(tokens[i - 1]))) kept.set(i, t.startsWith('-') ? t.split('=')[0] : t);
  });
  return kept;
}

/** A container (`name`, `command`, `args`) with only the named flags left in its command line. */
export function container(flags: readonly string[]): Reducer {
  return (value) => {
    if (Array.isArray(value)) return [];
    if (!isPlainObject(value)) return value;
    const command = value.command;
    const args = value.args;
    const tokens = [...(Array.isArray(command) ? command : []), ...(Array.isArray(args) ? args : [])];
    const kept = reduceTokens(tokens, flags);
    const slice = (from: number, length: number) => [...kept].filter(([i]) => i >= from && i < from + length).map(([, t]) => t);
    const out: [string, unknown][] = [];
    if (Object.hasOwn(value, 'name')) out.push(['name', scalar(value.name)]);
    const commandLength = Array.isArray(command) ? command.length : 0;
    // A command line that is not a list is malformed (the schema rejects it): kept malformed, but emptied.
    if (Object.hasOwn(value, 'command')) out.push(['command', Array.isArray(command) ? slice(0, commandLength) : {}]);
    if (Object.hasOwn(value, 'args')) out.push(['args', Array.isArray(args) ? slice(commandLength, args.length) : {}]);
    return Object.fromEntries(out);
  };
}
