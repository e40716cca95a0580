/**
 * The akb server: one HTTP listener serving the Next.js app, the HTTP API, health endpoints and the
 * live websocket at /ws. Configuration comes from flags and environment (see README "Configuration").
 */
import { Command } from 'commander';
import { addConnectionFlags } from './lib/cli/connection-flags';
import { createUiAuth } from './lib/live/server/auth';
import { loadServiceConfig, type ServiceConfig } from './lib/live/server/config';
import { createLogger } from './lib/logging';

function parseFlags(argv: string[]): Partial<ServiceConfig> {
  const cmd = addConnectionFlags(new Command('akb-server'))
    .option('--host <host>', 'address to listen on (AKB_HOST)')
    .option('--port <port>', 'port to listen on (AKB_PORT, else PORT)')
    .option('--dev', 'run Next.js in development mode')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (AKB_LOG_LEVEL)')
    .option('--lab', 'run the embedded lab even if a cluster is configured (AKB_LAB)')
    .option('--no-lab', 'never run the lab')
    .option('--lab-scenario <name|file>', 'lab scenario: a shipped name or a YAML file (AKB_LAB_SCENARIO)')
    .option('--no-lab-demo', 'do not play demo events in the lab')
    .option('--ui-auth <mode>', 'none|token|basic|header (AKB_UI_AUTH)')
    .option('--ui-auth-file <file>', 'token, or user:password, for UI auth (AKB_UI_AUTH_FILE)')
    .option('--ui-auth-header <name>', 'header set by an authenticating proxy (AKB_UI_AUTH_HEADER)')
    .option(
      '--ui-auth-trusted-proxies <cidrs>',
      'header mode: proxies whose header is believed, comma-separated (AKB_UI_AUTH_TRUSTED_PROXIES)',
    )
    .option(
      '--ui-auth-proxy-secret-file <file>',
      'header mode: secret the proxy sends in X-Akb-Proxy-Secret (AKB_UI_AUTH_PROXY_SECRET_FILE)',
    )
    .option('--allow-unauthenticated', 'serve --ui-auth none on a non-loopback address (AKB_ALLOW_UNAUTHENTICATED)')
    .option('--allowed-hosts <names>', 'host names served with --ui-auth none besides loopback, comma-separated (AKB_ALLOWED_HOSTS)')
    .option('--allowed-origins <origins>', 'origins besides akb itself that may open /ws or post, comma-separated (AKB_ALLOWED_ORIGINS)')
    .option('--apic-allow-http', 'accept plain http:// APIC URLs, for a lab (AKB_APIC_ALLOW_HTTP)')
    .option('--ws-max-clients <n>', 'most live websocket clients at once (AKB_WS_MAX_CLIENTS)')
    .option('--provisioner', 'serve the provisioning section even in-cluster (AKB_PROVISIONER)')
    .option('--no-provisioner', 'turn the provisioning section (/provision) off')
    .option('--provision-state-dir <dir>', "clusters' state directories (AKB_PROVISION_STATE_DIR, default .akb/clusters)")
    .exitOverride();
  cmd.parse(argv);
  const o = cmd.opts<Record<string, unknown>>();
  // commander sets negatable defaults to true; only pass what the user actually said.
  const said = (name: string) => cmd.getOptionValueSource(name) === 'cli';
  const flags: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (said(key)) flags[key === 'apicUrl' ? 'apicUrls' : key] = value;
  return flags as Partial<ServiceConfig>;
}

async function main(): Promise<void> {
  let config: ServiceConfig;
  try {
    config = loadServiceConfig(parseFlags(process.argv));
    // The UI secret is read and judged (length, form) now, so a weak one fails as fast as a bad flag.
    createUiAuth(config);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel });
  // Next's telemetry would dial out from every install, including air-gapped fabrics' management networks.
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
  // Next reads NODE_ENV at import; `npm start` serves the production build unless --dev is given.
  Object.assign(process.env, { NODE_ENV: config.dev ? 'development' : 'production' });
  // Loaded only once the configuration is known to be good, so a bad flag fails fast and alone.
  const { startRuntime } = await import('./lib/live/server/runtime');
  const { createProvisioner, PROVISION_API } = await import('./lib/cli/provision/index');
  const { createAkbServer } = await import('./lib/live/server/http-server');
  const { default: next } = await import('next');
  const provisioner = createProvisioner(config, logger);
  const runtime = await startRuntime(config, logger, process.env, { prefixRoutes: { [PROVISION_API]: provisioner.handle } });

  const app = next({ dev: config.dev, dir: import.meta.dirname, hostname: config.host, port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const nextUpgrade = app.getUpgradeHandler();

  const server = createAkbServer(runtime, {
    request: (req, res) => void handle(req, res),
    // Next's own sockets (HMR in dev) keep working, behind the same gate; nothing else upgrades.
    ...(config.dev ? { upgrade: (req, socket, head) => void nextUpgrade(req, socket, head) } : {}),
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { url: `http://${config.host}:${port}`, lab: runtime.lab !== null },
    runtime.lab ? 'akb is serving the embedded lab' : 'akb is serving',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.closeIdleConnections();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.stop();
    server.closeAllConnections();
    await closed;
    await app.close?.();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main().catch((err: unknown) => {
  console.error('akb failed to start:', err instanceof Error ? err.message : String(err));
  process.exit(1);
});
