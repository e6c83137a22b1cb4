import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { groupingAccuracy, parsingScores, type ParsingScores } from './grouping-accuracy';
import { MINER_DEFAULTS, TemplateMiner, type MinerOptions } from './miner';

/**
 * The Loghub data the miner is measured on, read in place (never copied): the 8 development
 * systems of Loghub-2k (../shared/data/loghub-2k, original and corrected labels), their Loghub-2.0
 * labels with template text (../shared/data/loghub-2.0/2k) and full-size logs (loghub-2.0/full).
 */
export const LOGHUB_SYSTEMS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'OpenSSH', 'Apache', 'HealthApp', 'Proxifier'] as const;

export type LoghubSystem = {
  name: string;
  lines: string[];
  /** Loghub-2k original labels (the GA every published Loghub-2k figure uses). */
  eventIds: string[];
  correctedTemplates: string[];
  /** Loghub-2.0 labels: template text per line, when that data is present. */
  templates2?: string[];
};
export type SystemResult = {
  name: string;
  ga: number;
  gaCorrected: number;
  /** Loghub-2.0 labels (GA, FGA, PA, FTA), when present. */
  v2?: ParsingScores;
  found: number;
  truth: number;
  linesPerSecond: number;
};

type Row = Record<string, string>;
const readCsv = (file: string) => parse(readFileSync(file), { columns: true, bom: true, relax_column_count: true }) as Row[];

/** Reads one system's Content column and its labels, in LineId order (Loghub-2.0 labels from `root2`, if given). */
export function readLoghubSystem(root: string, name: string, root2?: string): LoghubSystem {
  const original = readCsv(path.join(root, name, `${name}_2k.log_structured.csv`));
  const corrected = readCsv(path.join(root, name, `${name}_2k.log_structured_corrected.csv`));
  const system: LoghubSystem = {
    name,
    lines: original.map((r) => r.Content ?? ''),
    eventIds: original.map((r) => r.EventId ?? ''),
    correctedTemplates: corrected.map((r) => r.EventTemplate ?? ''),
  };
  const file2 = root2 && path.join(root2, '2k', name, `${name}_2k.log_structured.csv`);
  if (file2 && existsSync(file2)) {
    const rows = readCsv(file2);
    if (rows.length !== system.lines.length) throw new Error(`${file2}: ${rows.length} lines, Loghub-2k has ${system.lines.length}`);
    system.templates2 = rows.map((r) => r.EventTemplate ?? '');
  }
  return system;
}

/** A full-size Loghub-2.0 log (`<root2>/full/<name>/<name>_full.log_structured.csv`): messages and template text. */
export function readLoghubFull(root2: string, name: string): { name: string; lines: string[]; templates: string[] } {
  const rows = readCsv(path.join(root2, 'full', name, `${name}_full.log_structured.csv`));
  return { name, lines: rows.map((r) => r.Content ?? ''), templates: rows.map((r) => r.EventTemplate ?? '') };
}

/** The full-size logs present under `root2`. */
export function listLoghubFull(root2: string): string[] {
  const dir = path.join(root2, 'full');
  return existsSync(dir) ? readdirSync(dir).filter((s) => existsSync(path.join(dir, s, `${s}_full.log_structured.csv`))).sort() : [];
}

/** The systems under `root`: every folder <S> holding <S>_2k.log_structured.csv (the 8 known ones first). */
export function listLoghubSystems(root: string): string[] {
  if (!existsSync(root)) throw new Error(`${root}: no such folder (the Loghub-2k data; pass its path)`);
  const present = readdirSync(root).filter((s) => existsSync(path.join(root, s, `${s}_2k.log_structured.csv`)));
  const known: string[] = LOGHUB_SYSTEMS.filter((s) => present.includes(s));
  return [...known, ...present.filter((s) => !known.includes(s)).sort()];
}

export type ParseRun = { groups: number[]; templates: string[]; clusters: number; seconds: number };

/**
 * Feeds messages to a fresh miner in order, consolidating every `batch` lines (Infinity: once, at
 * the end) as classification after each ingestion does, and returns each line's final cluster and template.
 */
export function parseLines(lines: readonly string[], options: MinerOptions = MINER_DEFAULTS, batch = Infinity): ParseRun {
  const started = performance.now();
  const miner = new TemplateMiner(options);
  const ids: number[] = [];
  lines.forEach((line, i) => {
    ids.push(miner.add(line));
    if ((i + 1) % batch === 0) miner.consolidate();
  });
  miner.consolidate();
  const seconds = (performance.now() - started) / 1000;
  const groups = ids.map((id) => miner.resolve(id));
  const text = new Map(miner.listClusters().map((c) => [c.id, c.template]));
  return { groups, templates: groups.map((g) => text.get(g)!), clusters: text.size, seconds };
}

/**
 * Scores one system. Speed: fresh miners learn the whole sample again and again (at least
 * `repeat` times and, when more than once, 0.3 s); lines/s is from the median run, so a busy
 * machine skews it less.
 */
export function evaluateSystem(system: LoghubSystem, repeat = 5, options: MinerOptions = MINER_DEFAULTS): SystemResult {
  let run = parseLines(system.lines, options);
  const times = [run.seconds];
  for (let total = run.seconds; times.length < repeat || (repeat > 1 && total < 0.3); total += run.seconds) {
    run = parseLines(system.lines, options);
    times.push(run.seconds);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return {
    name: system.name,
    ga: groupingAccuracy(run.groups, system.eventIds),
    gaCorrected: groupingAccuracy(run.groups, system.correctedTemplates),
    v2: system.templates2 && parsingScores(run.groups, run.templates, system.templates2),
    found: run.clusters,
    truth: new Set(system.eventIds).size,
    linesPerSecond: Math.round(system.lines.length / median),
  };
}
