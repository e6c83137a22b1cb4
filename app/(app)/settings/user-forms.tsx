'use client';

import { useActionState, useState } from 'react';
import { ROLES } from '../../../lib/auth/roles';
import { ActionNotice } from './action-notice';
import { addUserAction, linkOwnerAction, resetUserAction } from './user-actions';
import styles from './users.module.css';

/** The forms above the users table: add a user, reset a user's sign-in, link an owner of the chain config. */
const CREDENTIAL_LABELS = {
  link: 'one-time sign-in link', generated: 'generated password (shown once)', password: 'a password I type',
} as const;
type Credential = keyof typeof CREDENTIAL_LABELS;

/** How the person signs in: the password box only for a typed password, the mail box only for a link. */
function CredentialFields({ label }: { label: string }) {
  const [credential, setCredential] = useState<Credential>('link');
  return (
    <>
      <label>{label}
        <select name="credential" value={credential} onChange={(e) => setCredential(e.target.value as Credential)}>
          {Object.entries(CREDENTIAL_LABELS).map(([k, label]) => <option key={k} value={k}>{label}</option>)}
        </select>
      </label>
      {credential === 'password' && (
        <label>Password<input name="password" type="password" autoComplete="new-password" required /></label>
      )}
      {credential === 'link' && (
        <label className={styles.check}><input type="checkbox" name="mail" /> e-mail the link too</label>
      )}
    </>
  );
}

function UserSelect({ emails }: { emails: string[] }) {
  return (
    <label>User
      <select name="email" required defaultValue="">
        <option value="" disabled>choose…</option>
        {emails.map((e) => <option key={e} value={e}>{e}</option>)}
      </select>
    </label>
  );
}

export function AddUserForm() {
  const [state, action, pending] = useActionState(addUserAction, null);
  return (
    <form action={action} className="filters" aria-label="Add a user">
      <label>E-mail<input name="email" type="email" required placeholder="name@example.com" /></label>
      <label>Name<input name="name" required /></label>
      <label>Role
        <select name="role" defaultValue="viewer">{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select>
      </label>
      <CredentialFields label="First sign-in" />
      <button type="submit" disabled={pending}>Add user</button>
      <ActionNotice state={state} />
    </form>
  );
}

export function ResetForm({ emails }: { emails: string[] }) {
  const [state, action, pending] = useActionState(resetUserAction, null);
  return (
    <form action={action} className="filters" aria-label="Reset a sign-in">
      <UserSelect emails={emails} />
      <CredentialFields label="New sign-in" />
      <button type="submit" disabled={pending}>Reset sign-in</button>
      <ActionNotice state={state} />
    </form>
  );
}

type OwnerOption = { id: string; name: string; kind: string };

export function LinkOwnerForm({ emails, owners }: { emails: string[]; owners: OwnerOption[] }) {
  const [state, action, pending] = useActionState(linkOwnerAction, null);
  return (
    <form action={action} className="filters" aria-label="Link an owner">
      <UserSelect emails={emails} />
      <label>Owner
        <select name="owner" required defaultValue="">
          <option value="" disabled>choose…</option>
          {owners.map((o) => <option key={o.id} value={o.id}>{o.name} ({o.kind} {o.id})</option>)}
        </select>
      </label>
      <button type="submit" disabled={pending}>Link owner</button>
      <ActionNotice state={state} />
    </form>
  );
}
