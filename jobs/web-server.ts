// The web server process (npm start; run by npm run launch): Next.js's production server behind a
// plain Node HTTP server, so that each request's X-Forwarded-For is set from the socket (or left to
// the trusted proxies, AUTH_TRUSTED_PROXY_HOPS) before Next sees it: sign-in throttling per client
// address then counts an address the client cannot choose. Serves the build in .next (npm run build).
import { createServer } from 'node:http';
import path from 'node:path';
import { forwardedForHeader } from '../lib/auth/client-address';
import { getSettings } from '../lib/env';

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

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
