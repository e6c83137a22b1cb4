import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'data');
const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');

describe('npm run eval:classify', () => {
  it.runIf(existsSync(path.join(SHARED, 'loghub-2k')))('prints every development system, the full-size log and the leave-one-out folds', async () => {
    const { stdout } = await run(tsx, ['lib/cli/eval-classify.ts', '--no-memory'], { cwd: ROOT, timeout: 120_000 });
    for (const name of ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'OpenSSH', 'Apache', 'HealthApp', 'Proxifier']) expect(stdout).toMatch(new RegExp(`^\\| ${name} \\| \\d\\.\\d{3} \\|`, 'm'));
    expect(stdout).toContain('| System | GA | GA (corrected) | GA (2.0) | PA (2.0) | FGA (2.0) | FTA (2.0) |');
    expect(stdout).toMatch(/^\| Proxifier \| 21,320 \| 0\.9\d\d \|/m);
    expect(stdout).toContain('| Left out | Choice picked on the others | Held-out GA | Held-out GA, default |');
  }, 120_000);

  it('names a bad option and exits 2', async () => {
    await expect(run(tsx, ['lib/cli/eval-classify.ts', '--fast'], { cwd: ROOT })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --fast') });
  });
});
