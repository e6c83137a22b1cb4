import { MAX_QUERY } from '../../lib/places/search';
import styles from './search-box.module.css';

/**
 * Search for a rollout id, a service, a host or an error text: a plain GET form to /search (no
 * script needed), on every page through the header and on the search page with the query kept.
 */
export function SearchBox({ q = '', onPage = false }: { q?: string; onPage?: boolean }) {
  return (
    <form role="search" action="/search" method="get" className={onPage ? `${styles.box} ${styles.page}` : styles.box}>
      <input
        type="search" name="q" aria-label="Search" placeholder="Rollout, service, host, error…" defaultValue={q} maxLength={MAX_QUERY} required
      />
      <button type="submit" className="secondary">Search</button>
    </form>
  );
}
