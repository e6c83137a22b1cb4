import { notFound } from 'next/navigation';
import { getAdmissionRule } from '../../../../lib/admission/pages';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { admissionRulePageSchema, ruleSegmentSchema } from '../../../../lib/http/admission-schemas';
import { paramsOrThrow } from '../../../../lib/http/params';
import { hasRole, requireUser } from '../../../_lib/auth';
import { OutcomeTable } from '../outcome-table';
import { ViolationPager } from '../violation-pager';
import { ViolationTable } from '../violation-table';

export const dynamic = 'force-dynamic';

export default async function AdmissionRulePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = paramsOrThrow(ruleSegmentSchema, await params);
  const user = await requireUser('viewer', `/admission/${id}`);
  const { page } = paramsOrThrow(admissionRulePageSchema, await searchParams);
  const data = await getAdmissionRule(await getDb(), id, { timeZone: getSettings().timeZone, page });
  if (!data) notFound();
  const { rule, weeks, history, outcome, violationPage } = data;
  const href = (p: number) => `/admission/${encodeURIComponent(id)}?page=${p}#violations`;
  return (
    <>
      <p><a href="/admission">← Admission rules</a></p>
      <h1>{rule.title}</h1>
      <p className="subtle">{rule.description || 'No description.'} · {rule.severity} · mode {rule.mode} · scope {rule.scope} · kind {rule.kind} · owner {rule.owner?.name ?? '–'}{rule.active ? '' : ' · inactive (no longer in the rules file)'}</p>
      <section className="panel">
        <h2>Violations seen per week</h2>
        <p className="subtle">Each violation once in every ISO week it broke the rule in — the week of the rollout, of the build, of the day — however late it was seen.</p>
        <table aria-label="Violations per week">
          <thead><tr>{weeks.map((w) => <th key={w} className="num">{w}</th>)}</tr></thead>
          <tbody><tr>{history.map((n, i) => <td key={i} className="num" data-week={weeks[i]}>{n}</td>)}</tr></tbody>
        </table>
      </section>
      {outcome && (
        <section className="panel">
          <h2>Outcomes (all stored rollouts)</h2>
          <OutcomeTable rules={[outcome]} />
        </section>
      )}
      <section className="panel" id="violations">
        <h2>Violations</h2>
        {violationPage.total === 0 ? <p className="subtle">This rule has never been broken.</p> : (
          <>
            <ViolationPager {...violationPage} href={href} />
            <ViolationTable violations={rule.violations} canTriage={hasRole(user, 'engineer')} />
            {violationPage.pages > 1 && <ViolationPager {...violationPage} href={href} />}
          </>
        )}
      </section>
    </>
  );
}
