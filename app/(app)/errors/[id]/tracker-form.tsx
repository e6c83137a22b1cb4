'use client';

import { useActionState } from 'react';
import { setTrackerUrlAction } from './tracker-action';

const MAX = 2000;

/** The class's tracker issue: a link for everyone; engineers also get a field to set or clear it. */
export function TrackerLink({ id, url, canEdit }: { id: number; url: string | null; canEdit: boolean }) {
  const [state, action, pending] = useActionState(setTrackerUrlAction, null);
  return (
    <div aria-label="Tracker issue" data-tracker={url ?? ''}>
      <p>
        Tracker issue:{' '}
        {url ? <a href={url} rel="noreferrer noopener" target="_blank">{url}</a> : <span className="subtle">none linked — alerts for this class say so</span>}
      </p>
      {canEdit && (
        <form action={action} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <input type="hidden" name="id" value={id} />
          <label>
            Link <input name="trackerUrl" type="url" defaultValue={url ?? ''} maxLength={MAX} placeholder="https://tracker.example.com/issues/123" size={48} />
          </label>
          <button type="submit" disabled={pending}>Save link</button>
          {state && <span role="status" className={state.ok ? 'up' : 'down'}>{state.ok ? state.message : state.error}</span>}
        </form>
      )}
    </div>
  );
}
