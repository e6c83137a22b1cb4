'use client';

import { useActionState, useState } from 'react';
import { triageAction } from './actions';

type Option = { value: string; label: string };

/**
 * The triage controls: one form (id "triage"); on the list, each row's checkbox joins it through
 * its `form` attribute, so several classes are changed at once.
 */
export function TriageBar(props: { classIds?: number[]; owners: Option[]; people: Option[]; categories: string[]; mergeTargets: Option[] }) {
  const [state, action, pending] = useActionState(triageAction, null);
  const [op, setOp] = useState('status');
  return (
    <form id="triage" action={action} className="filters" aria-label="Triage">
      {props.classIds?.map((id) => <input key={id} type="hidden" name="ids" value={id} />)}
      <label>
        Action
        <select name="op" value={op} onChange={(e) => setOp(e.target.value)}>
          <option value="status">Set status</option>
          <option value="owner">Assign owner</option>
          <option value="category">Set category</option>
          <option value="merge">Merge into</option>
          <option value="note">Add note</option>
          <option value="rename">Rename</option>
        </select>
      </label>
      {op === 'status' && (
        <label>
          Status
          <select name="status" defaultValue="acknowledged">
            {['open', 'acknowledged', 'resolved', 'ignored'].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      )}
      {op === 'owner' && (
        <>
          <label>
            Team
            <select name="owner">
              <option value="auto">(routing rules)</option>
              {props.owners.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </label>
          <label>
            Person
            <select name="assignee" defaultValue="">
              <option value="">(nobody)</option>
              {props.people.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </label>
        </>
      )}
      {op === 'category' && (
        <label>
          Category
          <select name="category">
            <option value="auto">(category rules)</option>
            {props.categories.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      )}
      {op === 'merge' && (
        <label>
          Into class
          <select name="target">{props.mergeTargets.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}</select>
        </label>
      )}
      {op === 'note' && <label>Note<input name="note" size={40} required /></label>}
      {op === 'rename' && <label>Name<input name="name" size={40} /></label>}
      <button type="submit" disabled={pending}>{pending ? 'Saving…' : 'Apply'}</button>
      {state && <span role="status" className={state.ok ? 'up' : 'down'}>{state.ok ? state.message : state.error}</span>}
    </form>
  );
}
