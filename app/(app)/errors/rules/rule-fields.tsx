import type { ReactNode } from 'react';
import type { Option } from '../../../../lib/triage/rule-views';

/** One labelled input with its error (from the server's answer) right beside it. */
export function Field({ label, name, error, hint, children }: { label: string; name: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <label className="field">
      {label}
      {children}
      {hint && <span className="subtle"> {hint}</span>}
      {error && <span className="down" role="alert" data-error-for={name}> {error}</span>}
    </label>
  );
}

/** A select with a first "none" choice; a current value not among the options (a glob from a rules file) stays choosable. */
export function Choice(props: { name: string; value: string; none: string; options: Option[]; onChange: (value: string) => void }) {
  const known = !props.value || props.options.some((o) => o.value === props.value);
  const options = known ? props.options : [{ value: props.value, label: props.value }, ...props.options];
  return (
    <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">{props.none}</option>
      {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
    </select>
  );
}

export type AttrRow = { name: string; glob: string };

/** Attribute conditions: name = glob pairs (all must match the event's stage run attributes). */
export function AttrRows({ rows, max, error, onChange }: { rows: AttrRow[]; max: number; error?: string; onChange: (rows: AttrRow[]) => void }) {
  const set = (i: number, patch: Partial<AttrRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="field" aria-label="Attributes">
      <legend className="subtle">Attributes (each name = glob must match the stage run&apos;s attributes)</legend>
      {rows.map((r, i) => (
        <div key={i} className="filters">
          <input name="attrName" aria-label={`attribute ${i + 1} name`} placeholder="name, e.g. image"
            value={r.name} onChange={(e) => set(i, { name: e.target.value })} />
          <input name="attrGlob" aria-label={`attribute ${i + 1} glob`} placeholder="glob, e.g. registry.example.com/*"
            value={r.glob} onChange={(e) => set(i, { glob: e.target.value })} />
          <button type="button" className="link" onClick={() => onChange(rows.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      {rows.length < max && <button type="button" className="secondary" onClick={() => onChange([...rows, { name: '', glob: '' }])}>Add attribute</button>}
      {error && <span className="down" role="alert" data-error-for="attrs"> {error}</span>}
    </fieldset>
  );
}
