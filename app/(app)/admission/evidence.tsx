/** A violation's evidence (the records or figures that broke the rule), readable, with its links. */
function Value({ name, value }: { name: string; value: unknown }) {
  if (name === 'link' && typeof value === 'string') return <a href={value}>{value}</a>;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return <span className="mono">{value.join(', ')}</span>;
    return <ul>{value.map((v, i) => <li key={i} className="mono">{describe(v)}</li>)}</ul>;
  }
  if (typeof value === 'object' && value !== null) return <span className="mono">{describe(value)}</span>;
  return <span className="mono">{String(value)}</span>;
}

function describe(v: unknown): string {
  if (typeof v !== 'object' || v === null) return String(v);
  return Object.entries(v).map(([k, x]) => `${k}: ${typeof x === 'object' && x !== null ? `{${describe(x)}}` : String(x)}`).join(' · ');
}

export function Evidence({ evidence }: { evidence: unknown }) {
  if (typeof evidence !== 'object' || evidence === null || Object.keys(evidence).length === 0) return <span className="subtle">–</span>;
  return (
    <dl className="evidence">
      {Object.entries(evidence).map(([k, v]) => (
        <div key={k}><dt>{k}</dt><dd><Value name={k} value={v} /></dd></div>
      ))}
    </dl>
  );
}
