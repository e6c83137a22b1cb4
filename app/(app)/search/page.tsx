import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { getDb } from '../../../lib/db';
import { formatCount } from '../../../lib/format';
import { paramsOrThrow } from '../../../lib/http/params';
import { searchPageSchema } from '../../../lib/http/place-schemas';
import { hostHref, rolloutHref, searchHref, serviceHref } from '../../../lib/places/links';
import { directHit, PER_KIND, searchEverything, type SearchResults } from '../../../lib/places/search';
import { RolloutLink } from '../../_components/rollout-link';
import { SearchBox } from '../../_components/search-box';
import { requireUser } from '../../_lib/auth';

export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SearchPage({ searchParams }: Props) {
  const { q = '' } = paramsOrThrow(searchPageSchema, await searchParams);
  await requireUser('viewer', q ? searchHref(q) : '/search');
  const r = await searchEverything(await getDb(), q);
  const hit = directHit(r);
  if (hit !== null) redirect(rolloutHref(hit));
  const found = r.rollouts.length + r.services.length + r.hosts.length + r.classes.length;
  return (
    <>
      <h1>{r.q ? <>Search: “{r.q}”</> : 'Search'}</h1>
      <SearchBox q={r.q} onPage />
      {r.q === '' && <p className="subtle">Type a rollout id (or its beginning), a service, a host, or words of an error message.</p>}
      {r.q !== '' && found === 0 && (
        <section className="panel empty" data-empty="">
          <h2>Nothing found</h2>
          <p className="subtle">No rollout id starts with “{r.q}”, and no service, host or error class contains it.</p>
        </section>
      )}
      {found > 0 && <Results r={r} />}
    </>
  );
}

type GroupProps = { title: string; kind: string; more: boolean; children: ReactNode[] };

function Group({ title, kind, more, children }: GroupProps) {
  if (children.length === 0) return null;
  return (
    <section className="panel" data-results={kind}>
      <h2>{title} <span className="subtle">{more ? `first ${PER_KIND}; more match` : formatCount(children.length)}</span></h2>
      <ul>{children}</ul>
    </section>
  );
}

function Results({ r }: { r: SearchResults }) {
  return (
    <>
      <Group title="Rollouts" kind="rollouts" more={r.more.rollouts}>
        {r.rollouts.map((id) => <li key={id}><RolloutLink id={id} /></li>)}
      </Group>
      <Group title="Services" kind="services" more={r.more.services}>
        {r.services.map((s) => <li key={s}><a href={serviceHref(s)}>{s}</a></li>)}
      </Group>
      <Group title="Hosts" kind="hosts" more={r.more.hosts}>
        {r.hosts.map((h) => <li key={h}><a href={hostHref(h)} className="mono">{h}</a></li>)}
      </Group>
      <Group title="Error classes" kind="classes" more={r.more.classes}>
        {r.classes.map((c) => (
          <li key={c.id}>
            <a href={`/errors/${c.id}`}>{c.title}</a> <span className="subtle">· {c.status} · {formatCount(c.eventCount)} events</span>
          </li>
        ))}
      </Group>
    </>
  );
}
