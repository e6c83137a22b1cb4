'use client';

import { useActionState } from 'react';
import { ROLES } from '../../../lib/auth/roles';
import { ActionNotice } from './action-notice';
import { disableUserAction, enableUserAction, setRoleAction, unlinkOwnerAction } from './user-actions';
import styles from './users.module.css';

/** The forms in each row of Settings → Users: the role, disable/enable, unlink an owner. */
export function RoleForm({ email, role }: { email: string; role: string }) {
  const [state, action, pending] = useActionState(setRoleAction, null);
  return (
    <form action={action} aria-label={`Role of ${email}`}>
      <input type="hidden" name="email" value={email} />
      <span className={styles.controls}>
        {/* Keyed by the role: an uncontrolled select keeps its first default and would show the old role. */}
        <select key={role} name="role" defaultValue={role} aria-label="Role">
          {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
        <button type="submit" className="secondary" disabled={pending}>Change</button>
      </span>
      <ActionNotice state={state} />
    </form>
  );
}

export function StatusForm({ email, disabled }: { email: string; disabled: boolean }) {
  const [state, action, pending] = useActionState(disabled ? enableUserAction : disableUserAction, null);
  return (
    <form action={action} aria-label={`${disabled ? 'Enable' : 'Disable'} ${email}`}>
      <input type="hidden" name="email" value={email} />
      <span className={styles.controls}>
        <span className={disabled ? 'down' : undefined}>{disabled ? 'disabled' : 'active'}</span>
        <button type="submit" className="link" disabled={pending}>{disabled ? 'Enable' : 'Disable'}</button>
      </span>
      <ActionNotice state={state} errorsOnly />
    </form>
  );
}

export function UnlinkOwnerButton({ email, owner }: { email: string; owner: string }) {
  const [state, action, pending] = useActionState(unlinkOwnerAction, null);
  return (
    <form action={action} className={styles.owner} aria-label={`Unlink ${owner} from ${email}`}>
      <input type="hidden" name="email" value={email} />
      <input type="hidden" name="owner" value={owner} />
      <span className="badge">{owner}</span>
      <button type="submit" className="link" disabled={pending} aria-label={`Unlink ${owner}`}>×</button>
      <ActionNotice state={state} errorsOnly />
    </form>
  );
}
