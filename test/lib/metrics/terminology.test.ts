import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * One meaning per word (README, "Metric definitions"): "end-to-end success", "first-pass yield" and
 * "product of stage rates". Every text a person reads on a page or in an e-mail (string literals,
 * template text, JSX text) is scanned: "yield" only ever follows "first-pass".
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SCANNED = ['app', 'lib/metrics', 'lib/digest', 'lib/format.ts', 'lib/format-trend.ts'];

function files(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (/\.tsx?$/.test(rel)) return [abs];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The texts of a source file a person may read: strings, template parts and JSX text (not identifiers, not imports). */
function textsOf(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) out.push(node.text);
    else if (ts.isJsxText(node)) out.push(node.text);
    node.forEachChild(visit);
  };
  visit(sf);
  return out.filter((t) => t.trim() !== '');
}

/** What is wrong with a text, or null: "yield" not as "first-pass yield", or "stage product". */
function ambiguousUse(text: string): string | null {
  for (const m of text.matchAll(/\byields?\b/gi)) {
    if (!/first-pass\s+$/i.test(text.slice(0, m.index))) return `"${m[0]}" not as "first-pass yield"`;
  }
  if (/\bstage product\b/i.test(text)) return '"stage product" instead of "product of stage rates"';
  return null;
}

describe('metric terms', () => {
  it('recognises the ambiguous uses, and lets the three terms through', () => {
    for (const bad of ['Chain yield (first pass)', 'Cumulative yield', 'End-to-end success (yield)', 'the yield', 'Yield: 91%', 'stage product 84%']) {
      expect(ambiguousUse(bad), bad).not.toBeNull();
    }
    for (const good of ['First-pass yield', 'first-pass yield 82%', 'end-to-end success', 'Product of stage rates so far', 'firstPassYield']) {
      expect(ambiguousUse(good), good).toBeNull();
    }
    expect(textsOf('x.tsx', 'import y from "yield"; const a = <b title="Chain yield">Cumulative yield {`${1} yield`}</b>;'))
      .toEqual(['Chain yield', 'Cumulative yield ', ' yield']);
  });

  it('uses no ambiguous "yield" in any page, chart, table or e-mail text', () => {
    const found = SCANNED.flatMap(files).flatMap((file) => {
      const rel = path.relative(ROOT, file);
      return textsOf(file, readFileSync(file, 'utf8')).flatMap((text) => {
        const why = ambiguousUse(text);
        return why ? [`${rel}: ${JSON.stringify(text.trim().slice(0, 80))}: ${why}`] : [];
      });
    });
    expect(found).toEqual([]);
  });
});
