import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';

const WATCHED = ['app', 'lib', 'proxy.ts', 'next.config.js', 'package-lock.json', 'tsconfig.json'];

async function newestMtime(target: string): Promise<number> {
  const info = await stat(target).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(target)) newest = Math.max(newest, await newestMtime(path.join(target, entry)));
  return newest;
}

/** True when there is no build yet, or a source the web build depends on changed after it. */
export async function buildIsStale(root: string): Promise<boolean> {
  const built = (await stat(path.join(root, '.next', 'BUILD_ID')).catch(() => null))?.mtimeMs ?? 0;
  for (const item of WATCHED) if ((await newestMtime(path.join(root, item))) > built) return true;
  return false;
}
