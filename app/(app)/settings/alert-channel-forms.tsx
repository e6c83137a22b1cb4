'use client';

import { useActionState, useState } from 'react';
import { CHANNEL_KINDS, FALLBACK_OWNER } from '../../../lib/alerts/channel-schemas';
import { ActionNotice } from './action-notice';
import { addAlertChannelAction, removeAlertChannelAction } from './alert-channel-actions';

/** Settings → Alerts: add a channel for a team, a person or the fallback; remove one added here. */
type OwnerOption = { id: string; name: string; kind: string };

export function AddChannelForm({ owners }: { owners: OwnerOption[] }) {
  const [state, action, pending] = useActionState(addAlertChannelAction, null);
  const [kind, setKind] = useState<(typeof CHANNEL_KINDS)[number]>('webhook');
  return (
    <form action={action} className="filters" aria-label="Add an alert channel">
      <label>Owner
        <select name="owner" required defaultValue="">
          <option value="" disabled>choose…</option>
          <option value={FALLBACK_OWNER}>fallback (owners without channels, no owner)</option>
          {owners.map((o) => <option key={o.id} value={o.id}>{o.name} ({o.kind} {o.id})</option>)}
        </select>
      </label>
      <label>Kind
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          {CHANNEL_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
      </label>
      <label>Name<input name="name" required maxLength={40} pattern="[a-z0-9][a-z0-9\-]{0,39}" placeholder="ops-hook" /></label>
      {kind === 'email' ? (
        <label>To<input name="to" type="email" maxLength={320} placeholder="the owner’s address" /></label>
      ) : (
        <label>URL<input name="url" type="url" required maxLength={2000} placeholder="https://…" autoComplete="off" /></label>
      )}
      <button type="submit" disabled={pending}>Add channel</button>
      <ActionNotice state={state} />
    </form>
  );
}

export function RemoveChannelForm({ id, label }: { id: number; label: string }) {
  const [state, action, pending] = useActionState(removeAlertChannelAction, null);
  return (
    <form action={action} aria-label={`Remove ${label}`}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="secondary" disabled={pending}>Remove</button>
      <ActionNotice state={state} errorsOnly />
    </form>
  );
}
