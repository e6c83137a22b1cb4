import type { ActionResult } from '../../_lib/action-result';
import styles from './users.module.css';

/** A server action's answer under its form: the message (several lines, e.g. a sign-in link to copy) or the error. */
export function ActionNotice({ state, errorsOnly = false }: { state: ActionResult; errorsOnly?: boolean }) {
  if (!state || (errorsOnly && state.ok)) return null;
  return (
    <span role="status" className={`${styles.notice} ${state.ok ? 'up mono' : 'down'}`}>
      {state.ok ? state.message : state.error}
    </span>
  );
}
