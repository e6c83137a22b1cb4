'use client';

import { useActionState } from 'react';
import { createTokenAction, revokeTokenAction } from './actions';

export function CreateTokenForm() {
  const [state, action, pending] = useActionState(createTokenAction, null);
  return (
    <form action={action} className="filters" aria-label="New ingest token">
      <label>Name<input name="name" placeholder="e.g. deploy-pipeline-eu" required /></label>
      <label>Scope
        <select name="scope" defaultValue="ingest">
          <option value="ingest">ingest (POST /api/ingest)</option>
          <option value="read">read (/api/v1, /metrics)</option>
        </select>
      </label>
      <button type="submit" disabled={pending}>Create token</button>
      {state && <span role="status" className={state.ok ? 'up mono' : 'down'}>{state.ok ? state.message : state.error}</span>}
    </form>
  );
}

export function RevokeTokenForm({ id }: { id: number }) {
  const [state, action, pending] = useActionState(revokeTokenAction, null);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="link" disabled={pending}>Revoke</button>
      {state && !state.ok && <span className="down"> {state.error}</span>}
    </form>
  );
}
