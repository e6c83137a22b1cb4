import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { supervise, type SuperviseOptions } from '../../../lib/cli/supervise';

// Real child processes: small node scripts that run until told to stop, ignore SIGTERM, crash or exit 0.
const READY = `console.log('ready');`;
const FOREVER = `process.on('SIGTERM', () => process.exit(0)); ${READY} setInterval(() => {}, 1000);`;
const HANG = `process.on('SIGTERM', () => {}); ${READY} setInterval(() => {}, 1000);`;
const CRASH = `process.exit(3)`;
const EXIT_0 = `process.exit(0)`;
const LIVES_300_MS = `setTimeout(() => process.exit(1), 300)`;

const spawned: ChildProcess[] = [];
afterEach(() => {
  for (const c of spawned.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A child spec running `code`; `ready` resolves when its latest process has printed "ready". */
function nodeChild(name: string, code: string) {
  const runs: ChildProcess[] = [];
  let ready: Promise<void> = Promise.resolve();
  const spec = {
    name,
    spawn: () => {
      const c = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      ready = new Promise((resolve) => c.stdout!.on('data', (b: Buffer) => b.toString().includes('ready') && resolve()));
      runs.push(c);
      spawned.push(c);
      return c;
    },
  };
  return { spec, runs, ready: () => ready };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A sleep that records each backoff and returns at once: the delays are asserted, not waited for. */
function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

function start(opts: Omit<SuperviseOptions, 'log'>) {
  const lines: string[] = [];
  const sup = supervise({ ...opts, log: (l) => lines.push(l) });
  return { sup, lines };
}

describe('the launcher\'s supervisor, with real child processes', () => {
  it('restarts the web server killed with SIGKILL while the scheduler keeps running', async () => {
    const web = nodeChild('web', FOREVER);
    const scheduler = nodeChild('scheduler', FOREVER);
    const { sup, lines } = start({ children: [web.spec, scheduler.spec], policy: { baseDelayMs: 20 } });
    await Promise.all([web.ready(), scheduler.ready()]);
    const before = sup.pids();
    process.kill(before.web!, 'SIGKILL');
    await expect.poll(() => sup.pids().web, { timeout: 10_000 }).not.toBe(before.web);
    await expect.poll(() => sup.pids().web, { timeout: 10_000 }).toBeDefined();
    await web.ready();
    expect(isAlive(sup.pids().web!)).toBe(true);
    expect(sup.pids().scheduler).toBe(before.scheduler);
    expect(isAlive(before.scheduler!)).toBe(true);
    expect(scheduler.runs).toHaveLength(1);
    expect(lines[0]).toMatch(/^web was killed by SIGKILL; restarting it in 0\.0 s \(restart 1 of at most 5 within 10 min\)$/);
    sup.stop('test over');
    expect(await sup.done).toEqual({ code: 0, message: 'test over' });
    expect([...web.runs, ...scheduler.runs].every((c) => c.exitCode !== null || c.signalCode !== null)).toBe(true);
  });

  it('in a crash loop stops everything and ends with code 1, naming the child and its exit code', async () => {
    const web = nodeChild('web', FOREVER);
    const scheduler = nodeChild('the scheduler', CRASH);
    const { delays, sleep } = recordingSleep();
    const { sup } = start({ children: [web.spec, scheduler.spec], policy: { maxRestarts: 3, windowMs: 60_000 }, sleep });
    const done = await sup.done;
    expect(done.code).toBe(1);
    expect(done.message).toBe('the scheduler exited with code 3; it stopped 4 times within 1 min, so Rollscope is stopping (see its output above)');
    // Exponential backoff between the restarts: 1 s, 2 s, 4 s.
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(scheduler.runs).toHaveLength(4);
    expect(web.runs).toHaveLength(1);
    expect(web.runs[0]!.exitCode ?? web.runs[0]!.signalCode).not.toBeNull();
  });

  it('resets the backoff once a child had stayed up long enough', async () => {
    const flaky = nodeChild('web', LIVES_300_MS);
    const { delays, sleep } = recordingSleep();
    const { sup } = start({ children: [flaky.spec], policy: { stableMs: 100, maxRestarts: 3 }, sleep });
    expect((await sup.done).message).toMatch(/^web exited with code 1; it stopped 4 times/);
    expect(delays).toEqual([1000, 1000, 1000]);
  });

  it('restarts a child that exits on its own even with code 0: half a product is not running', async () => {
    const quits = nodeChild('scheduler', EXIT_0);
    const { delays, sleep } = recordingSleep();
    const { sup, lines } = start({ children: [quits.spec], policy: { maxRestarts: 2 }, sleep });
    expect(await sup.done).toMatchObject({ code: 1, message: expect.stringMatching(/^scheduler exited with code 0;/) });
    expect(quits.runs).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(lines[0]).toMatch(/^scheduler exited with code 0; restarting it in 1\.0 s/);
  });

  it('on stop, ends every child with code 0, killing one that ignores SIGTERM after the timeout', async () => {
    const web = nodeChild('web', FOREVER);
    const stuck = nodeChild('scheduler', HANG);
    const { sup } = start({ children: [web.spec, stuck.spec], policy: { stopTimeoutMs: 300 } });
    await Promise.all([web.ready(), stuck.ready()]);
    sup.stop('SIGINT: stopping');
    expect(await sup.done).toEqual({ code: 0, message: 'SIGINT: stopping' });
    expect([web.runs[0]!.exitCode, web.runs[0]!.signalCode]).toEqual([0, null]);
    expect(stuck.runs[0]!.signalCode).toBe('SIGKILL');
    expect(stuck.runs).toHaveLength(1);
  });

  it('reports a child that cannot be started at all, and gives up on it like on a crash', async () => {
    const missing = { name: 'ghost', spawn: () => spawn('/nonexistent/rollscope-binary', [], { stdio: 'ignore' }) };
    const { sleep } = recordingSleep();
    const { sup } = start({ children: [missing], policy: { maxRestarts: 1 }, sleep });
    expect((await sup.done).message).toMatch(/^ghost could not start \(spawn \/nonexistent\/rollscope-binary ENOENT\); it stopped 2 times/);
  });
});

describe('the supervisor as a process, with real signals', () => {
  const fixture = path.join(import.meta.dirname, 'fixtures', 'supervised-launcher.ts');
  const launch = (env: Record<string, string> = {}) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.push(p);
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exit = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    return { p, exit, out: () => out, err: () => err };
  };

  it('SIGTERM stops both children and exits 0', async () => {
    const l = launch();
    await expect.poll(() => [...l.out().matchAll(/child (\d+)/g)].length, { timeout: 30_000 }).toBe(2);
    const pids = [...l.out().matchAll(/child (\d+)/g)].map((m) => Number(m[1]));
    l.p.kill('SIGTERM');
    expect(await l.exit).toBe(0);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it('a crash loop exits 1 with a clear message naming the child and its exit code', async () => {
    const l = launch({ CRASH: '1' });
    expect(await l.exit).toBe(1);
    expect(l.err()).toContain('[rollscope] error: scheduler exited with code 3; it stopped 4 times within 10 min, so Rollscope is stopping');
    const webPid = Number(/child (\d+)/.exec(l.out())![1]);
    expect(isAlive(webPid)).toBe(false);
  });
});
