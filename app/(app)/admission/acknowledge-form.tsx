'use client';

import { useActionState } from 'react';
import { acknowledgeAction } from './actions';

/** Acknowledge an open violation, or take it back. */
export function AcknowledgeForm({ id, acknowledged }: { id: number; acknowledged: boolean }) {
  const [state, action, pending] = useActionState(acknowledgeAction, null);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="acknowledged" value={String(!acknowledged)} />
      <button type="submit" className="link" disabled={pending}>{acknowledged ? 'Un-acknowledge' : 'Acknowledge'}</button>
      {state && <span role="status" className={state.ok ? 'subtle' : 'down'}> {state.ok ? state.message : state.error}</span>}
    </form>
  );
}
