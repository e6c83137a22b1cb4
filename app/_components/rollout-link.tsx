import type { ReactNode } from 'react';
import { rolloutHref } from '../../lib/places/links';

/** A rollout id linked to its page (/rollouts/<id>, the id percent-encoded): for events, samples, violations. */
export function RolloutLink({ id, children }: { id: string; children?: ReactNode }) {
  return <a href={rolloutHref(id)} className="mono" data-rollout={id}>{children ?? id}</a>;
}
