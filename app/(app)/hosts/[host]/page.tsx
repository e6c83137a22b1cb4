import { notFound } from 'next/navigation';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { retentionNotice } from '../../../../lib/retention/horizon';
import { formatCount, formatPercent } from '../../../../lib/format';
import { paramsOrThrow } from '../../../../lib/http/params';
import { decodeSegments, hostSegmentSchema, placePeriodSchema } from '../../../../lib/http/place-schemas';
import { describePeriod, resolvePlacePeriod, TOP_CLASSES } from '../../../../lib/places/figures';
import { hostHref, periodQuery, serviceHref } from '../../../../lib/places/links';
import { getHostPlace } from '../../../../lib/places/host-place';
import { ClassTable, Panel, RankedTable, RolloutTable, StageSuccessTable } from '../../../_components/place-tables';
import { ViolationTable } from '../../../_components/violation-table';
import { requireUser } from '../../../_lib/auth';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ host: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function HostPage({ params, searchParams }: Props) {
  const { host } = paramsOrThrow(hostSegmentSchema, decodeSegments(await params));
  await requireUser('viewer', hostHref(host));
  const settings = getSettings();
  const { timeZone } = settings;
  const period = resolvePlacePeriod(paramsOrThrow(placePeriodSchema, await searchParams), timeZone);
  const h = await getHostPlace(await getDb(), host, period);
  if (!h) notFound();
  const query = periodQuery(period);
  // Runs, failures and rollouts before the retention horizon are gone: say so rather than show zeros.
  const gap = retentionNotice(settings, period.from);
  const envs = h.envs.map((e) => `${e.env} (last ${e.lastSeen.toISOString().slice(0, 10)})`).join(', ') || 'no recorded environment';
  const failedShare = formatPercent(h.runs > 0 ? h.failures / h.runs : null, 2);
  return (
    <>
      <h1>Host {h.host} · {describePeriod(period)}</h1>
      <p className="subtle" data-summary="">
        {formatCount(h.runs)} stage runs, {formatCount(h.failures)} failed ({failedShare}) · runs {envs}
      </p>
      {gap && <p className="subtle" role="note" data-retention="">{gap}</p>}
      <Panel title="Open violations of this host"><ViolationTable violations={h.violations} /></Panel>
      <Panel title="Success per stage on this host"><StageSuccessTable stages={h.stages} /></Panel>
      <Panel title={`Failures by error class (top ${TOP_CLASSES})`}>
        <ClassTable classes={h.classes} failures={h.failures} unclassified={h.unclassified} />
      </Panel>
      <Panel title="Services with failures on this host">
        <RankedTable rows={h.services} label="Service" href={(s) => serviceHref(s, query)} />
      </Panel>
      <Panel title="Latest rollouts on this host"><RolloutTable rollouts={h.rollouts} timeZone={timeZone} /></Panel>
    </>
  );
}
