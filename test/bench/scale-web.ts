import { createSession, SESSION_COOKIE } from '../../lib/auth/sessions';
import { createUser } from '../../lib/auth/users';
import type { Db } from '../../lib/db';
import { startNextServer } from '../helpers/next-server';
import { formatMb, logStep } from './scale-log';
import { buildPageUrls, timePages, type PageFigures, type PageIds } from './scale-pages';
import { readPeakRss } from './scale-proc';

const BENCH_EMAIL = 'bench-scale@example.com';

export type WebFigures = { pages: PageFigures[]; serverPeakRssBytes: number };

/** An admin session (every page is open to it) of the benchmark's own account, made on first use. */
async function signInBenchAdmin(db: Db): Promise<string> {
  const found = await db.prisma.user.findUnique({ where: { email: BENCH_EMAIL } });
  const id = found?.id ?? (await createUser(db, { email: BENCH_EMAIL, name: 'bench:scale', role: 'admin', password: null })).id;
  const { token } = await createSession(db, id);
  return `${SESSION_COOKIE}=${token}`;
}

/**
 * Starts the production server on the database (building the app when its sources changed), times
 * every page signed in and reads the server's peak memory (VmHWM) before stopping it.
 */
export async function measurePages(deps: { db: Db; env: Record<string, string>; ids: PageIds; loads: number }): Promise<WebFigures> {
  const cookie = await signInBenchAdmin(deps.db);
  const urls = buildPageUrls(deps.ids);
  logStep('pages', 'starting the production server (next build first when the sources changed)');
  const server = await startNextServer(deps.env);
  try {
    const { pid } = server;
    logStep('pages', `server pid ${pid} at ${server.origin}: ${urls.length} URLs, warm-up then ${deps.loads} timed loads each`);
    const pages = await timePages({ origin: server.origin, cookie, urls, loads: deps.loads });
    const serverPeakRssBytes = readPeakRss(pid);
    logStep('pages', `server peak RSS ${formatMb(serverPeakRssBytes)}`);
    return { pages, serverPeakRssBytes };
  } finally {
    server.stop();
  }
}
