import { getDb } from '../../lib/db';
import { loadAdmissionRules } from '../../lib/admission/config';
import { NewRuns } from '../../lib/admission/new-runs';
import { updateAdmissionState } from '../../lib/admission/state';
import { RULE_KINDS } from '../../lib/admission/kinds';
const db = await getDb();
const policy = loadAdmissionRules(null);
const top = (await db.prisma.stageRun.aggregate({ _max: { id: true } }))._max.id!;
const t = (l: string, s: number) => console.log(l, ((performance.now() - s) / 1000).toFixed(2), 's');
let s = performance.now();
const runs = new NewRuns(db, policy.images, 0, top);
await runs.imageRuns(); t('imageRuns', s); s = performance.now();
await runs.imageUses(); t('imageUses', s); s = performance.now();
await updateAdmissionState(db, runs); t('state', s);
const ctx = { db, now: new Date(), timeZone: 'UTC', images: policy.images };
for (const r of policy.rules) {
  const k = RULE_KINDS[r.kind]!;
  s = performance.now();
  if (k.checkRuns) { const f = await k.checkRuns(ctx, r.config, runs); t(`checkRuns ${r.id} ${f.length}`, s); }
  s = performance.now();
  if (k.evaluate) { const f = await k.evaluate(ctx, r.config); t(`evaluate ${r.id} ${f.length}`, s); }
}
await db.close();
