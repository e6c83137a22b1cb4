// The web server process (npm start; run by npm run launch): Next.js's production server behind a
// plain Node HTTP server, so that each request's X-Forwarded-For is set from the socket (or left to
// the trusted proxies, AUTH_TRUSTED_PROXY_HOPS) before Next sees it: sign-in throttling per client
// address then counts an address the client cannot choose. Serves the build in .next (npm run build).
import { createServer } from 'node:http';
import path from 'node:path';
import { forwardedForHeader } from '../lib/auth/client-address';
import { getSettings } from '../lib/env';
import { releaseHeldLeases } from '../lib/jobs/lock';

// React and Next read NODE_ENV when they load: set it first, then load Next.
Object.assign(process.env, { NODE_ENV: 'production' });
const { default: next } = await import('next');

const ROOT = path.resolve(import.meta.dirname, '..');
// Longer than Next's own 5 s keep-alive would be pointless behind a proxy; shorter than a client's idle wait.
const KEEP_ALIVE_MS = 5_000;

const settings = getSettings();
const app = next({ dev: false, dir: ROOT, port: settings.port });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  const forwarded = forwardedForHeader(req.headers['x-forwarded-for'], req.socket.remoteAddress, settings.trustedProxyHops);
  if (forwarded === undefined) delete req.headers['x-forwarded-for'];
  else req.headers['x-forwarded-for'] = forwarded;
  handle(req, res).catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.keepAliveTimeout = KEEP_ALIVE_MS;
server.listen(settings.port, () => console.log(`[web] listening on http://localhost:${settings.port}`));

// Stopping: no new connections; requests in progress (an ingestion, say) get STOP_GRACE_MS to finish,
// shorter than the supervisor's wait before SIGKILL (lib/cli/supervise.ts). Then the leases still
// held — taken by the Next bundle's copy of lib/jobs/lock, which shares this process's registry —
// are handed back, so another instance takes the job over at once instead of after their expiry.
const STOP_GRACE_MS = 8_000;
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
  void Promise.race([drained, grace])
    .then(async () => {
      const released = await releaseHeldLeases();
      if (released > 0) console.log(`[web] released ${released} lease(s) of work that had not finished`);
    })
    .finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
