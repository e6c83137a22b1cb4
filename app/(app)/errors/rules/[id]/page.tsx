import { notFound } from 'next/navigation';
import { getClassRule } from '../../../../../lib/classify/class-rule-store';
import { loadCategoryConfig } from '../../../../../lib/classify/rules';
import { getDb } from '../../../../../lib/db';
import { getSettings } from '../../../../../lib/env';
import { paramsOrThrow } from '../../../../../lib/http/params';
import { idSegmentSchema } from '../../../../../lib/http/page-schemas';
import { getRuleDraft, getRuleFormOptions } from '../../../../../lib/triage/rule-views';
import { requireUser } from '../../../../_lib/auth';
import { RuleForm } from '../rule-form';

export const dynamic = 'force-dynamic';

// Edits a class rule; saving re-classifies the history (its class keeps its id).
export default async function ClassRulePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = paramsOrThrow(idSegmentSchema, await params);
  await requireUser('engineer', `/errors/rules/${id}`);
  const db = await getDb();
  const [rule, draft, options] = await Promise.all([
    getClassRule(db, id),
    getRuleDraft(db, id),
    getRuleFormOptions(db, loadCategoryConfig(getSettings().categoriesFile).categories),
  ]);
  if (!rule || !draft) notFound();
  return (
    <>
      <p><a href="/errors/rules">← Class rules</a></p>
      <h1>Rule “{rule.name}”</h1>
      <p className="subtle">
        Position {rule.position + 1} · its class <a href={`/errors/${rule.classId}`}>{rule.name}</a> has {rule.events.toLocaleString('en-US')} events ·
        created by {rule.createdBy} on {rule.createdAt.toISOString().slice(0, 10)}, last changed {rule.updatedAt.toISOString().replace('T', ' ').slice(0, 16)}
      </p>
      <RuleForm draft={draft} options={options} position={rule.position} />
    </>
  );
}
