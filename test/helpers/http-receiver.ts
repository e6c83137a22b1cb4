import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { freePort } from './net';

/**
 * A real HTTP server on a free local port that records every request (JSON bodies parsed).
 * `status` chooses each answer (500 for a failing receiver); `down()` stops listening (connection
 * refused) and `up()` listens again on the same port.
 */
export type Received = { path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> };
export type TestReceiver = {
  url: (path?: string) => string;
  received: Received[];
  status: (r: Received) => number;
  down: () => Promise<void>;
  up: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startHttpReceiver(): Promise<TestReceiver> {
  const port = await freePort();
  let server: Server | null = null;
  const r: TestReceiver = {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received: [],
    status: () => 200,
    up: () =>
      new Promise((resolve) => {
        server = createServer((req, res) => {
          let text = '';
          req.on('data', (b: Buffer) => (text += b.toString()));
          req.on('end', () => {
            const got: Received = { path: req.url ?? '', headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
            const status = r.status(got);
            if (status < 300) r.received.push(got);
            res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'error');
          });
        });
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    down: () => new Promise((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())),
    close: () => r.down(),
  };
  await r.up();
  return r;
}
