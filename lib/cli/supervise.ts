import type { ChildProcess } from 'node:child_process';

/**
 * Keeps long-running child processes up (the launcher's web server and scheduler): a child that
 * exits on its own — crash, signal, even code 0, since half a product is not running — is
 * restarted after an exponential backoff (reset once it had stayed up `stableMs`). A child that
 * dies more than `maxRestarts` times within `windowMs` is a crash loop: everything is stopped and
 * `done` resolves with code 1 and a message naming the child and how it last exited. `stop()`
 * (Ctrl-C, SIGTERM) stops all children — SIGTERM, then SIGKILL after `stopTimeoutMs` — and
 * resolves with code 0.
 */
export type ChildSpec = { name: string; spawn: () => ChildProcess };
export type RestartPolicy = { baseDelayMs: number; maxDelayMs: number; stableMs: number; maxRestarts: number; windowMs: number; stopTimeoutMs: number };
export type SuperviseOptions = {
  children: ChildSpec[];
  log: (line: string) => void;
  policy?: Partial<RestartPolicy>;
  clock?: () => number;
  /** Waits `ms` (a restart's backoff); resolves early when `signal` aborts (a stop). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
};
export type Supervisor = {
  done: Promise<{ code: number; message: string }>;
  stop: (why: string) => void;
  /** The current process id of each child (undefined while it is down). */
  pids: () => Record<string, number | undefined>;
};

// stopTimeoutMs: longer than the scheduler's grace for its job in progress (30 s, lib/jobs/scheduler.ts)
// and the web server's for its requests (8 s), so both hand their leases back before any SIGKILL;
// a child with nothing in progress exits at once.
export const DEFAULT_RESTART_POLICY: RestartPolicy = { baseDelayMs: 1000, maxDelayMs: 30_000, stableMs: 60_000, maxRestarts: 5, windowMs: 10 * 60_000, stopTimeoutMs: 40_000 };

type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

export function describeExit(exit: Exit): string {
  if (exit.error) return `could not start (${exit.error.message})`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function exited(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn failure emits 'error' and no 'exit'.
    child.once('error', (error) => child.pid === undefined && resolve({ code: null, signal: null, error }));
  });
}

const alive = (c: ChildProcess) => c.pid !== undefined && c.exitCode === null && c.signalCode === null;

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake);
  });
}

export function supervise(opts: SuperviseOptions): Supervisor {
  const policy = { ...DEFAULT_RESTART_POLICY, ...opts.policy };
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const stopping = new AbortController();
  const current = new Map<string, ChildProcess>();
  let outcome = { code: 0, message: '' };
  const stopped = new Promise<null>((resolve) => stopping.signal.addEventListener('abort', () => resolve(null), { once: true }));

  const stopAll = async () => {
    const running = [...current.values()].filter(alive);
    for (const c of running) c.kill('SIGTERM');
    const killer = setTimeout(() => running.filter(alive).forEach((c) => c.kill('SIGKILL')), policy.stopTimeoutMs);
    await Promise.all(running.map((c) => (alive(c) ? exited(c) : undefined)));
    clearTimeout(killer);
  };
  const stop = (why: string, code = 0) => {
    if (stopping.signal.aborted) return;
    outcome = { code, message: why };
    stopping.abort();
  };

  const keepUp = async (spec: ChildSpec) => {
    const deaths: number[] = [];
    for (let quick = 0; !stopping.signal.aborted; ) {
      const startedAt = clock();
      const child = spec.spawn();
      current.set(spec.name, child);
      const exit = await Promise.race([exited(child), stopped]);
      if (!exit || stopping.signal.aborted) return;
      current.delete(spec.name);
      const now = clock();
      quick = now - startedAt >= policy.stableMs ? 0 : quick;
      deaths.push(now);
      while (deaths.length && deaths[0]! <= now - policy.windowMs) deaths.shift();
      if (deaths.length > policy.maxRestarts) {
        const minutes = Math.round(policy.windowMs / 60_000);
        return stop(`${spec.name} ${describeExit(exit)}; it stopped ${deaths.length} times within ${minutes} min, so Rollscope is stopping (see its output above)`, 1);
      }
      const delay = Math.min(policy.baseDelayMs * 2 ** quick, policy.maxDelayMs);
      quick += 1;
      opts.log(`${spec.name} ${describeExit(exit)}; restarting it in ${(delay / 1000).toFixed(1)} s (restart ${deaths.length} of at most ${policy.maxRestarts} within ${Math.round(policy.windowMs / 60_000)} min)`);
      await sleep(delay, stopping.signal);
    }
  };

  // A spawn that throws (bad arguments) cannot be helped by a restart.
  const loops = opts.children.map((spec) => keepUp(spec).catch((error: Error) => stop(`${spec.name} could not be started: ${error.message}`, 1)));
  const done = (async () => {
    await stopped;
    await stopAll();
    await Promise.all(loops);
    return outcome;
  })();
  return {
    done,
    stop: (why) => stop(why),
    pids: () => Object.fromEntries(opts.children.map((c) => [c.name, current.get(c.name)?.pid])),
  };
}

/** supervise() wired to this process's signals: Ctrl-C or SIGTERM stops the children and exits 0. */
export async function runSupervised(opts: SuperviseOptions): Promise<number> {
  const sup = supervise(opts);
  const onSignal = (signal: NodeJS.Signals) => sup.stop(`${signal}: stopping`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { code, message } = await sup.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (code !== 0) console.error(`[rollscope] error: ${message}`);
  return code;
}
