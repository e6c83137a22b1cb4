import { formatCount } from '../../../lib/format';

/** "51 violations, 12 open · page 2 of 3 · ← Previous · Next →", the links keeping the page's other parameters. */
export function ViolationPager({ total, open, page, pages, href }: { total: number; open: number; page: number; pages: number; href: (page: number) => string }) {
  return (
    <div className="pager" data-violations={total}>
      <span className="subtle">{formatCount(total)} {total === 1 ? 'violation' : 'violations'}, {formatCount(open)} open · page {page} of {pages}</span>
      {page > 1 && <a href={href(page - 1)} rel="prev">← Previous</a>}
      {page < pages && <a href={href(page + 1)} rel="next">Next →</a>}
    </div>
  );
}
