import type { listViolations } from '../../../lib/admission/list-violations';
import { AcknowledgeForm } from './acknowledge-form';
import { Evidence, LinkedRollouts } from './evidence';
import styles from './evidence.module.css';
import { SubjectLink } from './subject-link';

type Violation = Awaited<ReturnType<typeof listViolations>>['violations'][number];
const day = (d: Date) => d.toISOString().slice(0, 10);

/** One page of a rule's violations: subject, status (with acknowledge), seen, count, rollouts and evidence, folded. */
export function ViolationTable({ violations, canTriage }: { violations: Violation[]; canTriage: boolean }) {
  return (
    <table aria-label="Violations">
      <thead><tr><th>Subject</th><th>Status</th><th>First seen</th><th>Last seen</th><th className="num">Count</th><th>Rollouts</th><th>Evidence</th></tr></thead>
      <tbody>
        {violations.map((v) => (
          <tr key={v.id} id={`v${v.id}`}>
            <td className={styles.nowrap}><SubjectLink type={v.subjectType} id={v.subjectId} /></td>
            <td>
              {v.status}
              {v.acknowledgedBy && <div className="subtle">by {v.acknowledgedBy}</div>}
              {v.resolvedAt && <div className="subtle">{day(v.resolvedAt)}</div>}
              {canTriage && v.status !== 'resolved' && <AcknowledgeForm id={v.id} acknowledged={v.status === 'acknowledged'} />}
            </td>
            <td className={styles.nowrap}>{day(v.firstSeen)}</td>
            <td className={styles.nowrap}>{day(v.lastSeen)}</td>
            <td className="num">{v.count}</td>
            <td><LinkedRollouts ids={v.rollouts.map((r) => r.rolloutId)} total={v._count.rollouts} /></td>
            <td><Evidence evidence={v.evidence} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
