'use client';

import { useActionState } from 'react';
import { ROW_OP_LABELS, rowOpsFor } from '../../../lib/triage/row-ops';
import { rowTriageAction } from './actions';
import styles from './row-actions.module.css';

/**
 * A row's own triage form: one button per decision that would change the class. A form of its own
 * (not the bulk "triage" form), so it works without JavaScript and without selecting the row.
 * `inline`: one line of buttons (the class page) instead of a stack (the list's status cell).
 */
export function RowActions({ id, status, mine, inline }: { id: number; status: string; mine: boolean; inline?: boolean }) {
  const [state, action, pending] = useActionState(rowTriageAction, null);
  const ops = rowOpsFor(status, mine);
  return (
    <form action={action} className={inline ? `${styles.row} ${styles.inline}` : styles.row} aria-label={`Triage class ${id}`} data-row-actions={id}>
      <input type="hidden" name="id" value={id} />
      {mine && <span className="subtle" data-mine>yours</span>}
      {ops.map((op) => (
        <button key={op} type="submit" name="op" value={op} className="link" disabled={pending}>{ROW_OP_LABELS[op]}</button>
      ))}
      {state && (
        <span role="status" className={`${styles.message} ${state.ok ? 'up' : 'down'}`}>{state.ok ? state.message : state.error}</span>
      )}
    </form>
  );
}
