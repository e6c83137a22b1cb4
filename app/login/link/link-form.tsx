'use client';

import { useActionState } from 'react';
import { setPasswordWithLinkAction } from '../actions';

type Props = { token: string; email: string; name: string; until: string };

export function LinkPasswordForm({ token, email, name, until }: Props) {
  const [state, action, pending] = useActionState(setPasswordWithLinkAction, null);
  return (
    <form action={action} className="panel" style={{ maxWidth: 400, margin: '64px auto' }} aria-label="Set your password">
      <h1>Set your password</h1>
      <p className="subtle">
        Hello {name}. Choose the password you will sign in with as <strong>{email}</strong>. Once it is set, this link
        stops working; until then it is valid until {until}.
      </p>
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <label className="field">
        New password (at least 10 characters)
        <input name="password" type="password" autoComplete="new-password" required autoFocus />
      </label>
      <label className="field">
        The same again
        <input name="confirm" type="password" autoComplete="new-password" required />
      </label>
      {state?.error && <p role="alert" className="down">{state.error}</p>}
      <button type="submit" disabled={pending}>{pending ? 'Saving…' : 'Set password and sign in'}</button>
    </form>
  );
}
