'use client';

import { useActionState } from 'react';
import { changeOwnPasswordAction } from './actions';

export function ChangePasswordForm({ email }: { email: string }) {
  const [state, action, pending] = useActionState(changeOwnPasswordAction, null);
  const field = (label: string, name: string, autoComplete: string) => (
    <label className="field">{label}<input name={name} type="password" autoComplete={autoComplete} required /></label>
  );
  return (
    <form action={action} aria-label="Change your password" style={{ maxWidth: 360 }}>
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      {field('Current password', 'current', 'current-password')}
      {field('New password (at least 10 characters)', 'password', 'new-password')}
      {field('The same again', 'confirm', 'new-password')}
      <button type="submit" disabled={pending}>{pending ? 'Saving…' : 'Change password'}</button>
      {state && <p role="status" className={state.ok ? 'up' : 'down'}>{state.ok ? state.message : state.error}</p>}
    </form>
  );
}
