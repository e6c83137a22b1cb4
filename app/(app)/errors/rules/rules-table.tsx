'use client';

import { useActionState, useState, type FormEvent } from 'react';
import type { RuleRow } from '../../../../lib/triage/rule-views';
import { changeRuleAction } from './actions';

type Row = RuleRow & { matchText: string };

/**
 * The rules in order. For engineers: edit, move up/down and delete (asked again first); the answer
 * — what moved — stays above the table, also once the deleted row is gone. Every form is rendered
 * on the server, so the buttons work before the page's scripts run (delete then without the question).
 */
export function RulesTable({ rows, canEdit }: { rows: Row[]; canEdit: boolean }) {
  const [state, action, pending] = useActionState(changeRuleAction, null);
  const [confirming, setConfirming] = useState<number | null>(null);
  // The first Delete only asks; the second (Yes, delete) lets the form go.
  const askFirst = (event: FormEvent, id: number) => {
    if (confirming === id) return setConfirming(null);
    event.preventDefault();
    setConfirming(id);
  };
  const move = (r: Row, position: number, label: string) => (
    <form action={action} style={{ display: 'inline' }} aria-label={`${label} ${r.name}`}>
      <input type="hidden" name="op" value="move" />
      <input type="hidden" name="id" value={r.id} />
      <input type="hidden" name="position" value={position} />
      <button type="submit" className="link" disabled={pending}>{label}</button>
    </form>
  );
  return (
    <section className="panel">
      {state && <p role="status" className={state.ok ? 'up' : 'down'}>{state.ok ? state.message : state.error}</p>}
      <table aria-label="Class rules">
        <thead>
          <tr>
            <th className="num">#</th><th>Rule</th><th>Matches</th><th className="num">Events</th><th>Category</th><th>Owner</th><th>Tracker</th>
            {canEdit && <th>Change</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.id} data-rule={r.id}>
              <td className="num">{r.position + 1}</td>
              <td><a href={`/errors/${r.classId}`}>{r.name}</a></td>
              <td className="mono">{r.matchText}</td>
              <td className="num">{r.events.toLocaleString('en-US')}</td>
              <td>{r.classCategory}{r.category === null ? <span className="subtle"> (category rules)</span> : null}</td>
              <td>
                {r.ownerName ?? '–'}{r.assigneeName ? ` · ${r.assigneeName}` : ''}
                {r.ownerId === null ? <span className="subtle"> (routing rules)</span> : null}
              </td>
              <td>{r.trackerUrl ? <a href={r.trackerUrl} rel="noreferrer noopener" target="_blank">issue</a> : '–'}</td>
              {canEdit && (
                <td>
                  <a href={`/errors/rules/${r.id}`}>Edit</a>
                  {i > 0 && <> · {move(r, i - 1, 'Move up')}</>}
                  {i < rows.length - 1 && <> · {move(r, i + 1, 'Move down')}</>}
                  {' · '}
                  <form
                    action={action}
                    style={{ display: 'inline' }}
                    aria-label={`Delete ${r.name}`}
                    onSubmit={(e) => askFirst(e, r.id)}
                  >
                    <input type="hidden" name="op" value="delete" />
                    <input type="hidden" name="id" value={r.id} />
                    {confirming === r.id && (
                      <span className="down">Delete this rule? Its {r.events.toLocaleString('en-US')} events go back to the miner&apos;s classes. </span>
                    )}
                    <button type="submit" className={confirming === r.id ? undefined : 'link'} disabled={pending}>
                      {confirming === r.id ? 'Yes, delete' : 'Delete'}
                    </button>
                    {confirming === r.id && <> <button type="button" className="secondary" onClick={() => setConfirming(null)}>Cancel</button></>}
                  </form>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {pending && <p className="subtle" role="progressbar">Re-classifying the history…</p>}
    </section>
  );
}
