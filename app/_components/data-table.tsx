'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { toCsv } from '../../lib/format-csv';

/** A table that sorts by any column (the sort lives in the URL) and exports what it shows as CSV. */
export type Cell = { text: string; sort?: number | string | null; href?: string; className?: string; title?: string };
export type DataColumn = { key: string; label: string; numeric?: boolean };
export type DataRow = { id: string | number; cells: Record<string, Cell> };

export function DataTable({ id, columns, rows, csvName }: { id: string; columns: DataColumn[]; rows: DataRow[]; csvName: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const sortKey = params.get(`${id}_sort`);
  const desc = params.get(`${id}_dir`) === 'desc';
  const value = (r: DataRow, key: string) => r.cells[key]?.sort ?? r.cells[key]?.text ?? '';
  const sorted = sortKey
    ? [...rows].sort((a, b) => {
        const x = value(a, sortKey);
        const y = value(b, sortKey);
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
        return desc ? -order : order;
      })
    : rows;
  const sortBy = (key: string) => {
    const next = new URLSearchParams(params);
    next.set(`${id}_sort`, key);
    next.set(`${id}_dir`, sortKey === key && !desc ? 'desc' : 'asc');
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  const download = () => {
    // What the table shows, as text; toCsv neutralises cells a spreadsheet would run as formulas.
    const csv = toCsv(columns.map((c) => c.label), sorted.map((r) => columns.map((c) => r.cells[c.key]?.text ?? '')));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `${csvName}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <>
      <table data-table={id}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={c.numeric ? 'num' : undefined} aria-sort={sortKey === c.key ? (desc ? 'descending' : 'ascending') : undefined}>
                <button type="button" className="link" onClick={() => sortBy(c.key)}>{c.label}{sortKey === c.key ? (desc ? ' ▼' : ' ▲') : ''}</button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.id}>
              {columns.map((c) => {
                const cell = r.cells[c.key];
                const cls = [c.numeric ? 'num' : '', cell?.className ?? ''].join(' ').trim() || undefined;
                return <td key={c.key} className={cls} title={cell?.title}>{cell?.href ? <a href={cell.href}>{cell.text}</a> : cell?.text}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p><button type="button" className="link" onClick={download}>Export CSV</button></p>
    </>
  );
}
