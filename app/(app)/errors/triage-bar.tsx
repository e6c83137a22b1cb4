'use client';

import { useActionState, useState, type ReactNode } from 'react';
import { triageAction } from './actions';
import { OwnerPicker, type PersonOption } from './owner-picker';
import styles from './triage-bar.module.css';

type Option = { value: string; label: string };
type Op = 'status' | 'owner' | 'category' | 'merge' | 'note' | 'rename';

/**
 * The triage controls: one form (id "triage"); on the list, each row's checkbox joins it through
 * its `form` attribute, so several classes are changed at once. The fields of the actions not
 * chosen are in <noscript>: a browser without JavaScript shows them all, and the chosen action
 * takes its own. `team`/`person`: the picker's start (the class's owner, or the list's owner filter).
 */
export function TriageBar(props: {
  classIds?: number[]; teams: Option[]; people: PersonOption[]; team?: string | null; person?: string | null;
  categories: string[]; mergeTargets: Option[];
}) {
  const [state, action, pending] = useActionState(triageAction, null);
  const [op, setOp] = useState<Op>('status');
  const fields = (which: Op, children: ReactNode) => (op === which ? children : <noscript className={styles.fields}>{children}</noscript>);
  return (
    <form id="triage" action={action} className="filters" aria-label="Triage">
      {props.classIds?.map((id) => <input key={id} type="hidden" name="ids" value={id} />)}
      <label>
        Action
        <select name="op" value={op} onChange={(e) => setOp(e.target.value as Op)}>
          <option value="status">Set status</option>
          <option value="owner">Assign owner</option>
          <option value="category">Set category</option>
          {props.mergeTargets.length > 0 && <option value="merge">Merge into</option>}
          <option value="note">Add note</option>
          <option value="rename">Rename</option>
        </select>
      </label>
      {fields('status', (
        <label>
          Status
          <select name="status" defaultValue="acknowledged">
            {['open', 'acknowledged', 'resolved', 'ignored'].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      ))}
      {fields('owner', <OwnerPicker teams={props.teams} people={props.people} team={props.team} person={props.person} />)}
      {fields('category', (
        <label>
          Category
          <select name="category">
            <option value="auto">(category rules)</option>
            {props.categories.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      ))}
      {props.mergeTargets.length > 0 && fields('merge', (
        <label>
          Into class
          <select name="target">{props.mergeTargets.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}</select>
        </label>
      ))}
      {/* Not `required`: without JavaScript the note field is shown beside every action; the server asks for the text. */}
      {fields('note', <label>Note<input name="note" size={40} /></label>)}
      {fields('rename', <label>Name<input name="name" size={40} /></label>)}
      <button type="submit" disabled={pending}>{pending ? 'Saving…' : 'Apply'}</button>
      {state && <span role="status" className={state.ok ? 'up' : 'down'}>{state.ok ? state.message : state.error}</span>}
    </form>
  );
}
