import { notFound } from 'next/navigation';
import { loadCategoryConfig } from '../../../../../lib/classify/rules';
import { getDb } from '../../../../../lib/db';
import { getSettings } from '../../../../../lib/env';
import { paramsOrThrow } from '../../../../../lib/http/params';
import { newRulePageSchema } from '../../../../../lib/http/rule-form';
import { emptyRuleDraft, getRuleFormOptions, ruleDraftFromClass } from '../../../../../lib/triage/rule-views';
import { requireUser } from '../../../../_lib/auth';
import { RuleForm } from '../rule-form';

export const dynamic = 'force-dynamic';

type Search = Promise<Record<string, string | string[] | undefined>>;

// A new class rule; `?class=<id>` ("Split this class") starts from that class's template and stage.
export default async function NewClassRulePage({ searchParams }: { searchParams: Search }) {
  const query = paramsOrThrow(newRulePageSchema, await searchParams);
  await requireUser('engineer', query.class ? `/errors/rules/new?class=${query.class}` : '/errors/rules/new');
  const db = await getDb();
  const [draft, options] = await Promise.all([
    query.class ? ruleDraftFromClass(db, query.class) : emptyRuleDraft(),
    getRuleFormOptions(db, loadCategoryConfig(getSettings().categoriesFile).categories),
  ]);
  if (!draft) notFound();
  return (
    <>
      <p><a href="/errors/rules">← Class rules</a></p>
      <h1>{draft.fromClass ? 'Split a class' : 'New class rule'}</h1>
      {draft.fromClass && (
        <p className="subtle">
          Starting from <a href={`/errors/${draft.fromClass.id}`}>{draft.fromClass.title}</a> ({draft.fromClass.events.toLocaleString('en-US')} events):
          narrow the pattern or add conditions so the rule takes only the events of one cause, and preview before saving.
        </p>
      )}
      <RuleForm draft={draft} options={options} position={null} />
    </>
  );
}
