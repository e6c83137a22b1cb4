import { describeUserChange, listUserChanges } from '../../../lib/auth/user-changes';
import { getAccount } from '../../../lib/auth/user-list';
import { getDb } from '../../../lib/db';
import { requireUser } from '../../_lib/auth';
import { ChangePasswordForm } from './password-form';

export const dynamic = 'force-dynamic';
// A person's own history: the newest few; admins see all of it in Settings.
const OWN_CHANGES = 10;
const utc = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '–');
const names = (list: { id: string; name: string }[]) => list.map((o) => `${o.name} (${o.id})`).join(', ') || 'none';

/** Every signed-in user's own page: who they are here, whom they act for, and their password. */
export default async function AccountPage() {
  const user = await requireUser('viewer', '/account');
  const db = await getDb();
  const [account, changes] = await Promise.all([
    getAccount(db, user),
    listUserChanges(db, { userId: user.id, take: OWN_CHANGES }),
  ]);
  const rows: [string, string][] = [
    ['Name', user.name], ['E-mail', user.email], ['Role', user.role],
    ['Acts for (person)', names(account.persons)], ['Teams', names(account.teams)],
    ['Password set', account.hasPassword ? utc(account.passwordSetAt) : 'no password'],
  ];
  return (
    <>
      <h1>Your account</h1>
      <section className="panel">
        <table><tbody>{rows.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td>{v}</td></tr>)}</tbody></table>
        <p className="subtle">
          “Assigned to me” shows the work of these owners. An admin links owners to accounts in Settings; the person
          owner whose e-mail is yours needs no link.
        </p>
      </section>
      <section className="panel">
        <h2>Change your password</h2>
        {account.hasPassword ? <ChangePasswordForm email={user.email} /> : (
          <p className="subtle">
            Your account has no password here: you sign in through a proxy, or an admin can send you a sign-in link.
          </p>
        )}
      </section>
      <section className="panel">
        <h2>Changes to your account</h2>
        <table>
          <thead><tr><th>When</th><th>Change</th><th>By</th></tr></thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.id}><td>{utc(c.createdAt)}</td><td>{describeUserChange(c)}</td><td>{c.actor}</td></tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
