import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../../../lib/errors';
import { loadChainStageMap } from '../../../../lib/ingest/adapters/chain-stage-map';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-stage-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const shipped = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../../lib/chain/default-chain.json'), 'utf8'));

/** Writes the chain file with a new modification time, as an edit would. */
function write(file: string, chain: unknown, second: number) {
  writeFileSync(file, JSON.stringify(chain));
  utimesSync(file, second, second);
}

describe('the stage map of the chain file', () => {
  it('follows edits of the file, and answers 503 naming the field while the file is invalid', () => {
    const file = path.join(dir, 'chain.json');
    write(file, { ...shipped, stageMap: [{ name: 'Build and push', stage: 'image-build' }] }, 1_000);
    expect(loadChainStageMap(file).map('build and push')).toBe('image-build');
    write(file, { ...shipped, stageMap: [{ name: 'Build and push', stage: 'image-push' }] }, 2_000);
    expect(loadChainStageMap(file).map('build and push')).toBe('image-push');
    write(file, { ...shipped, stageMap: [{ regex: '(', stage: 'image-push' }] }, 3_000);
    let thrown: unknown;
    try {
      loadChainStageMap(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect((thrown as HttpError).status).toBe(503);
    expect((thrown as HttpError).message).toMatch(/stageMap\.0\.regex: is not a regular expression RE2 accepts/);
    write(file, shipped, 4_000);
    expect(loadChainStageMap(file).map('Image push')).toBe('image-push');
    expect(loadChainStageMap(null).map('image-pull')).toBe('image-pull');
  });
});
