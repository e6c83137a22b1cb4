import { notFound } from 'next/navigation';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { retentionNotice } from '../../../../lib/retention/horizon';
import { formatCount, formatPercent, ratio } from '../../../../lib/format';
import { paramsOrThrow } from '../../../../lib/http/params';
import { decodeSegments, placePeriodSchema, serviceSegmentSchema } from '../../../../lib/http/place-schemas';
import { describePeriod, resolvePlacePeriod, TOP_CLASSES } from '../../../../lib/places/figures';
import { hostHref, periodQuery, serviceHref } from '../../../../lib/places/links';
import { getServicePlace } from '../../../../lib/places/service-place';
import { ClassTable, Panel, RankedTable, RolloutTable, StageSuccessTable } from '../../../_components/place-tables';
import { ViolationTable } from '../../../_components/violation-table';
import { requireUser } from '../../../_lib/auth';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ServicePage({ params, searchParams }: Props) {
  const { name } = paramsOrThrow(serviceSegmentSchema, decodeSegments(await params));
  await requireUser('viewer', serviceHref(name));
  const settings = getSettings();
  const { timeZone } = settings;
  const period = resolvePlacePeriod(paramsOrThrow(placePeriodSchema, await searchParams), timeZone);
  const s = await getServicePlace(await getDb(), name, period);
  if (!s) notFound();
  const query = periodQuery(period);
  // Runs, failures and rollouts before the retention horizon are gone: say so rather than show zeros.
  const gap = retentionNotice(settings, period.from);
  const { succeeded, failed, inProgress } = s.outcomes;
  const failures = s.stages.reduce((a, x) => a + x.failures, 0);
  return (
    <>
      <h1>Service {s.service} · {describePeriod(period)}</h1>
      <p className="subtle" data-summary="">
        Owner {s.owner?.name ?? '–'} · {formatCount(succeeded + failed + inProgress)} rollouts: {formatCount(succeeded)} succeeded,
        {' '}{formatCount(failed)} failed, {formatCount(inProgress)} in progress
        {' '}· end-to-end success {formatPercent(ratio(succeeded, succeeded + failed))}
        {' '}· <a href={`/errors?service=${encodeURIComponent(s.service)}`}>its error classes</a>
      </p>
      {gap && <p className="subtle" role="note" data-retention="">{gap}</p>}
      <Panel title="Open violations of this service"><ViolationTable violations={s.violations} /></Panel>
      <Panel title="Success per stage"><StageSuccessTable stages={s.stages} /></Panel>
      <Panel title={`Failures by error class (top ${TOP_CLASSES})`}>
        <ClassTable classes={s.classes} failures={failures} unclassified={s.unclassified} />
      </Panel>
      <Panel title="Hosts with failures"><RankedTable rows={s.hosts} label="Host" href={(h) => hostHref(h, query)} /></Panel>
      <Panel title="Latest rollouts"><RolloutTable rollouts={s.rollouts} timeZone={timeZone} /></Panel>
    </>
  );
}
