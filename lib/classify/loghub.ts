import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { groupingAccuracy } from './grouping-accuracy';
import { TemplateMiner } from './miner';

/** The Loghub-2k development systems (../shared/data/loghub-2k); the README there describes the files. */
export const LOGHUB_SYSTEMS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'OpenSSH', 'Apache', 'HealthApp', 'Proxifier'] as const;

export type LoghubSystem = { name: string; lines: string[]; eventIds: string[]; correctedTemplates: string[] };
export type SystemResult = { name: string; ga: number; gaCorrected: number; found: number; truth: number; truthCorrected: number; linesPerSecond: number };

type Row = Record<string, string>;
const readCsv = (file: string) => parse(readFileSync(file), { columns: true, bom: true }) as Row[];

/** Reads one system's Content column and its labels, in LineId order. */
export function readLoghubSystem(root: string, name: string): LoghubSystem {
  const original = readCsv(path.join(root, name, `${name}_2k.log_structured.csv`));
  const corrected = readCsv(path.join(root, name, `${name}_2k.log_structured_corrected.csv`));
  return {
    name,
    lines: original.map((r) => r.Content ?? ''),
    eventIds: original.map((r) => r.EventId ?? ''),
    correctedTemplates: corrected.map((r) => r.EventTemplate ?? ''),
  };
}

/** The systems under `root`: every folder <S> holding <S>_2k.log_structured.csv (the 8 known ones first). */
export function listLoghubSystems(root: string): string[] {
  if (!existsSync(root)) throw new Error(`${root}: no such folder (the Loghub-2k data; pass its path)`);
  const present = readdirSync(root).filter((s) => existsSync(path.join(root, s, `${s}_2k.log_structured.csv`)));
  const known: string[] = LOGHUB_SYSTEMS.filter((s) => present.includes(s));
  return [...known, ...present.filter((s) => !known.includes(s)).sort()];
}

/**
 * Feeds a system's messages to a fresh miner, consolidates, and scores the final clusters.
 * Speed is measured over `repeat` fresh runs (the first ones warm the JIT).
 */
export function evaluateSystem(system: LoghubSystem, repeat = 5): SystemResult {
  let miner = new TemplateMiner();
  let ids: number[] = [];
  const started = performance.now();
  for (let r = 0; r < repeat; r += 1) {
    miner = new TemplateMiner();
    ids = system.lines.map((line) => miner.add(line));
    miner.consolidate();
  }
  const seconds = (performance.now() - started) / 1000;
  const predicted = ids.map((id) => miner.resolve(id));
  return {
    name: system.name,
    ga: groupingAccuracy(predicted, system.eventIds),
    gaCorrected: groupingAccuracy(predicted, system.correctedTemplates),
    found: miner.listClusters().length,
    truth: new Set(system.eventIds).size,
    truthCorrected: new Set(system.correctedTemplates).size,
    linesPerSecond: Math.round((system.lines.length * repeat) / seconds),
  };
}
