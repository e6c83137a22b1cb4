// Class rules as config-as-code:
//   npm run rules:export -- [file]   writes the rules (in order) as JSON, to stdout without a file;
//   npm run rules:import -- <file>   makes the stored rules those of the file and re-classifies the history.
// A bad file prints every error (file, rule, field) and exits 2 with nothing changed.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { exportClassRules, importClassRules, listClassRules } from '../classify/class-rule-store';
import { loadCategoryConfig, loadRoutingConfig } from '../classify/rules';
import { getDb } from '../db';
import { getSettings } from '../env';
import { ValidationError } from '../errors';
import { describeChange, describeImport } from '../triage/rule-text';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run rules:export -- [file]   |   npm run rules:import -- <file>';

async function readRulesFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new ValidationError(`${file}: is not JSON: ${(error as Error).message}`);
  }
}

async function importFile(file: string): Promise<number> {
  const settings = getSettings();
  const db = await getDb();
  const deps = {
    db, actor: `cli:${os.userInfo().username}`, timeZone: settings.timeZone,
    categories: loadCategoryConfig(settings.categoriesFile), routing: loadRoutingConfig(settings.routingFile),
  };
  try {
    const value = await readRulesFile(file);
    const before = (await listClassRules(db)).map((r) => r.name);
    const result = await importClassRules(deps, value, file);
    console.log(describeImport(file, before, (await listClassRules(db)).map((r) => r.name)));
    console.log(`${describeChange(result.change)}.`);
    return 0;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const line of error.message.split('\n')) console.error(line);
    console.error(`${file}: not imported; nothing was changed.`);
    return 2;
  }
}

await runCli(async () => {
  const [command, file, extra] = process.argv.slice(2);
  if (extra !== undefined || (command === 'import' && !file) || (command !== 'import' && command !== 'export')) {
    console.error(USAGE);
    return 2;
  }
  if (command === 'import') return importFile(file!);
  const text = `${JSON.stringify(await exportClassRules(await getDb()), null, 2)}\n`;
  if (!file) await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  else {
    await writeFile(file, text);
    console.error(`Wrote ${(JSON.parse(text) as { rules: unknown[] }).rules.length} class rules to ${file}.`);
  }
  return 0;
});
