import { hasRole } from '../../../../lib/auth/roles';
import { getDb } from '../../../../lib/db';
import { paramsOrThrow } from '../../../../lib/http/params';
import { noParamsSchema } from '../../../../lib/http/page-schemas';
import { describeMatch } from '../../../../lib/triage/rule-text';
import { listRuleRows } from '../../../../lib/triage/rule-views';
import { requireUser } from '../../../_lib/auth';
import { RulesTable } from './rules-table';

export const dynamic = 'force-dynamic';

type Search = Promise<Record<string, string | string[] | undefined>>;

// The class rules in their order (first match wins); engineers and admins may add, edit, move and delete them.
export default async function ClassRulesPage({ searchParams }: { searchParams: Search }) {
  paramsOrThrow(noParamsSchema, await searchParams);
  const user = await requireUser('viewer', '/errors/rules');
  const rows = await listRuleRows(await getDb());
  const canEdit = hasRole(user, 'engineer');
  return (
    <>
      <p><a href="/errors">← Error classes</a></p>
      <h1>Class rules</h1>
      <p className="subtle">
        Failure classes people define. A rule matches error events by message (a template with <code>&lt;*&gt;</code> or a
        regular expression) and optionally stage, error code, service and attributes; the first rule that matches an event wins over
        the template miner. Every change re-classifies the history and the rankings not yet sent in a digest.
      </p>
      {canEdit && <p><a href="/errors/rules/new">New rule</a> · or open a class and choose “Split this class”.</p>}
      {rows.length === 0 ? (
        <section className="panel empty">
          <h2>No class rules yet</h2>
          <p className="subtle">
            Error classes come from the template miner. When one class mixes causes, or several classes are one cause, a rule
            says which events belong together: its class takes every matching event, past and future, and has its own name,
            category, owner and tracker link.{' '}
            {canEdit ? 'Start from a class page (“Split this class”) or with a new rule.' : 'Engineers and admins can add rules.'}
          </p>
        </section>
      ) : (
        <RulesTable rows={rows.map((r) => ({ ...r, matchText: describeMatch(r.match) }))} canEdit={canEdit} />
      )}
    </>
  );
}
