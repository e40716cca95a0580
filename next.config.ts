import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The custom server (server.ts) owns the HTTP listener and the /ws upgrade; standalone output
  // does not trace custom servers, so it is deliberately not used.
  reactStrictMode: true,
  typescript: { tsconfigPath: 'tsconfig.next.json' },
  serverExternalPackages: ['@kubernetes/client-node', 'pino', 'ws', 'prom-client'],
};

export default nextConfig;
