import { z } from 'zod';
import { defineKind, type Finding } from '../kind';

/** Every stage, error class (and, when asked, service) has an accountable owner. */
export const accountableOwner = defineKind({
  kind: 'accountable-owner',
  scope: 'service',
  configSchema: z.object({ subjects: z.array(z.enum(['stage', 'error-class', 'service'])).min(1).default(['stage', 'error-class']) }),
  windowDays: () => 1,
  joinsOutcomes: false,
  async evaluate({ db }, c) {
    const findings: Finding[] = [];
    if (c.subjects.includes('stage')) {
      for (const s of await db.prisma.stage.findMany({ where: { ownerId: null } })) findings.push({ subjectType: 'stage', subjectId: s.key, evidence: { name: s.name } });
    }
    if (c.subjects.includes('error-class')) {
      for (const e of await db.prisma.errorClass.findMany({ where: { ownerId: null, mergedIntoId: null } })) findings.push({ subjectType: 'error-class', subjectId: String(e.id), evidence: { template: e.template, link: `/errors/${e.id}` } });
    }
    if (c.subjects.includes('service')) {
      for (const s of await db.prisma.service.findMany({ where: { ownerId: null } })) findings.push({ subjectType: 'service', subjectId: s.name, evidence: {} });
    }
    return findings;
  },
});
