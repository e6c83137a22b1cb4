import { connection } from 'next/server';

/**
 * The 404 page. Rendered per request (connection()), like every page: a prerendered one would carry
 * scripts without this request's CSP nonce, which the browser then refuses.
 */
export default async function NotFound() {
  await connection();
  return (
    <main>
      <section className="panel empty">
        <h1>Not found</h1>
        <p className="subtle">
          There is no page at this address, or what it names (an error class, a stage, a rule, a message) does not exist.
        </p>
        <p><a href="/">Back to the overview</a></p>
      </section>
    </main>
  );
}
