import { notFound } from 'next/navigation';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { formatCount, formatDuration } from '../../../../lib/format';
import { paramsOrThrow } from '../../../../lib/http/params';
import { decodeSegments, rolloutSegmentSchema } from '../../../../lib/http/place-schemas';
import { formatInstant, formatOutcome } from '../../../../lib/places/format';
import { rolloutHref, serviceHref } from '../../../../lib/places/links';
import { getRolloutDetail, MAX_RUNS, type RolloutViolation } from '../../../../lib/places/rollout-detail';
import { ViolationTable } from '../../../_components/violation-table';
import { requireUser } from '../../../_lib/auth';
import { ChainStrip, StageRows } from './stage-rows';

export const dynamic = 'force-dynamic';

const VIA: Record<RolloutViolation['via'], string> = {
  rollout: 'this rollout', 'took-part': 'took part in it', host: 'one of its hosts', service: 'its service',
};

export default async function RolloutPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = paramsOrThrow(rolloutSegmentSchema, decodeSegments(await params));
  await requireUser('viewer', rolloutHref(id));
  const d = await getRolloutDetail(await getDb(), id);
  if (!d) notFound();
  const { timeZone } = getSettings();
  const r = d.rollout;
  const took = r.finishedAt ? ` · took ${formatDuration(r.finishedAt.getTime() - r.startedAt.getTime())}` : '';
  const tone = r.outcome === 'failed' ? 'down' : r.outcome === 'succeeded' ? 'up' : undefined;
  return (
    <>
      <p><a href={serviceHref(r.service)}>← {r.service}</a></p>
      <h1>Rollout {r.id}</h1>
      <p className="subtle" data-summary="">
        service <a href={serviceHref(r.service)}>{r.service}</a> · env {r.env} · <strong className={tone}>{formatOutcome(r.outcome)}</strong>
        {' '}· started {formatInstant(r.startedAt, timeZone)}{took} · {formatCount(r.steps)} steps,
        {' '}{formatCount(r.stageRuns)} runs ({formatCount(r.failedRuns)} failed) · {formatCount(r.manualCount)} manual
      </p>
      <section className="panel">
        <ChainStrip stages={d.stages} />
      </section>
      <section className="panel">
        <h2>Stages in chain order, every attempt</h2>
        {d.truncated && <p className="subtle">More than {formatCount(MAX_RUNS)} runs: the first {formatCount(MAX_RUNS)} by start are shown.</p>}
        <StageRows stages={d.stages} timeZone={timeZone} />
      </section>
      <section className="panel">
        <h2>Open violations naming this rollout, its hosts or its service</h2>
        <ViolationTable violations={d.violations} why={(v) => VIA[(v as RolloutViolation).via]} />
      </section>
    </>
  );
}
