import { notFound } from 'next/navigation';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { retentionNotice } from '../../../../lib/retention/horizon';
import { formatCount, formatPercent } from '../../../../lib/format';
import { paramsOrThrow } from '../../../../lib/http/params';
import { stageSegmentSchema } from '../../../../lib/http/page-schemas';
import { getStageDrilldown, rangeSchema, resolveRange } from '../../../../lib/metrics/stages';
import { hostHref, periodQuery, serviceHref } from '../../../../lib/places/links';
import { requireUser } from '../../../_lib/auth';

export const dynamic = 'force-dynamic';

export default async function StagePage({ params, searchParams }: { params: Promise<{ key: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { key } = paramsOrThrow(stageSegmentSchema, await params);
  await requireUser('viewer', `/stages/${key}`);
  const input = paramsOrThrow(rangeSchema, await searchParams);
  const settings = getSettings();
  const range = resolveRange(input, settings.timeZone);
  const d = await getStageDrilldown(await getDb(), key, range);
  if (!d) notFound();
  // The service and host pages open on the same period.
  const query = periodQuery({ week: input.week ?? null, ...range });
  // The classes and hosts come from error events, gone before the retention horizon (services from the rollups stay).
  const gap = retentionNotice(settings, range.from);
  return (
    <>
      <p><a href={`/stages?from=${range.from}&to=${range.to}`}>← Stages</a></p>
      <h1>{d.stage.name} · {input.week ? `week ${input.week}, ` : ''}{range.from} – {range.to}</h1>
      <p className="subtle">Owner {d.stage.owner ?? '–'}</p>
      {gap && <p className="subtle" role="note" data-retention="">{gap}</p>}
      <section className="panel">
        <h2>Error classes</h2>
        {d.classes.length === 0 ? <p className="subtle">No failures in this range.</p> : (
          <table><thead><tr><th>Class</th><th>Category</th><th className="num">Failures here</th></tr></thead>
            <tbody>{d.classes.map((c) => <tr key={c.id}><td><a href={`/errors/${c.id}`}>{c.title}</a></td><td>{c.category}</td><td className="num">{formatCount(c.failures)}</td></tr>)}</tbody></table>
        )}
      </section>
      <section className="panel" style={{ display: 'grid', gridTemplateColumns: '2fr 1fr', gap: 16 }}>
        <div>
          <h2>Services</h2>
          <table><thead><tr><th>Service</th><th className="num">Attempts</th><th className="num">Failures</th><th className="num">Success rate</th></tr></thead>
            <tbody>{d.services.map((s) => <tr key={s.service}><td><a href={serviceHref(s.service, query)}>{s.service}</a></td><td className="num">{formatCount(s.attempts)}</td><td className="num">{formatCount(s.failures)}</td><td className="num">{formatPercent(s.successRate, 2)}</td></tr>)}</tbody></table>
        </div>
        <div>
          <h2>Hosts with failures</h2>
          <table><tbody>{d.hosts.map((h) => <tr key={h.host}><td className="mono"><a href={hostHref(h.host, query)}>{h.host}</a></td><td className="num">{formatCount(h.failures)}</td></tr>)}</tbody></table>
        </div>
      </section>
    </>
  );
}
