import pg from 'pg';

/** A database `name` on the PostgreSQL server of `server` (created on first migration) and how to drop it
 * (connected to the server's `postgres` database). */
export function freshPgDatabase(server: string, name: string): { url: string; drop: () => Promise<void> } {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const adminUrl = new URL(server);
      adminUrl.pathname = '/postgres';
      const admin = new pg.Client({ connectionString: adminUrl.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
