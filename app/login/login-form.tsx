'use client';

import { useActionState } from 'react';
import { loginAction } from './actions';

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(loginAction, null);
  return (
    <form action={action} className="panel" style={{ maxWidth: 360, margin: '64px auto' }}>
      <h1>Sign in to Rollscope</h1>
      <input type="hidden" name="next" value={next} />
      <label className="field">
        E-mail
        {/* React resets a form after its action; keep what was typed in the e-mail field. */}
        <input key={state?.email ?? ''} name="email" type="email" autoComplete="username" required autoFocus={!state} defaultValue={state?.email ?? ''} />
      </label>
      <label className="field">
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {state?.error && (
        <p role="alert" className="down">
          {state.error}
          {state.retryAt && <> (after {new Date(state.retryAt).toLocaleTimeString()})</>}
        </p>
      )}
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
