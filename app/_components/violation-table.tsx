import { formatCount } from '../../lib/format';
import { subjectHref } from '../../lib/places/links';
import type { PlaceViolation } from '../../lib/places/violations';

const day = (d: Date) => d.toISOString().slice(0, 10);

type Violation = PlaceViolation & { via?: string };

/** Open violations, each linked to its rule's page (at the violation) and to its subject's page. */
export function ViolationTable({ violations, why }: { violations: Violation[]; why?: (v: Violation) => string }) {
  if (violations.length === 0) return <p className="subtle">No open violations.</p>;
  return (
    <table data-table="violations">
      <thead>
        <tr>
          <th>Rule</th><th>Subject</th>{why && <th>Why here</th>}<th>Severity</th><th>Status</th><th>First seen</th><th>Last seen</th>
          <th className="num">Count</th>
        </tr>
      </thead>
      <tbody>
        {violations.map((v) => {
          const href = subjectHref(v.subjectType, v.subjectId);
          const subject = href ? <a href={href} className="mono">{v.subjectId}</a> : <span className="mono">{v.subjectId}</span>;
          return (
            <tr key={v.id}>
              <td><a href={`/admission/${encodeURIComponent(v.ruleId)}#v${v.id}`}>{v.rule}</a></td>
              <td><span className="subtle">{v.subjectType}</span> {subject}</td>
              {why && <td>{why(v)}</td>}
              <td>{v.severity} · {v.mode}</td>
              <td>{v.status}</td>
              <td>{day(v.firstSeen)}</td>
              <td>{day(v.lastSeen)}</td>
              <td className="num">{formatCount(v.count)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
