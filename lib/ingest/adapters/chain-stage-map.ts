import { statSync } from 'node:fs';
import { ChainConfigError, loadChainConfig } from '../../chain/config';
import { HttpError } from '../../errors';
import { buildStageMap, type StageMap } from './stage-map';

/**
 * The stage map of the configured chain file, for the OTLP and webhook adapters. Read again when
 * the file changes (its `stageMap` can be edited without a restart), not on every request. A file
 * that no longer passes validation is the server's configuration, not the sender's input: the
 * answer is 503 naming the file and field, and the sender's retry succeeds once it is fixed.
 */
let cached: { file: string | null; mtimeMs: number; map: StageMap } | null = null;

export function loadChainStageMap(chainFile: string | null): StageMap {
  const mtimeMs = chainFile ? modifiedAt(chainFile) : 0;
  if (cached && cached.file === chainFile && cached.mtimeMs === mtimeMs) return cached.map;
  let map: StageMap;
  try {
    const chain = loadChainConfig(chainFile);
    map = buildStageMap(chain.stages, chain.stageMap);
  } catch (error) {
    if (error instanceof ChainConfigError) throw new HttpError(503, `the chain config cannot be used: ${error.message}`);
    throw error;
  }
  cached = { file: chainFile, mtimeMs, map };
  return map;
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
