import { describeUserChange, type ChangeRow } from '../../../lib/auth/user-changes';
import type { LinkedOwner, UserListing, UserSignIn } from '../../../lib/auth/user-list';
import { AddUserForm, LinkOwnerForm, ResetForm } from './user-forms';
import { RoleForm, StatusForm, UnlinkOwnerButton } from './user-row-forms';
import styles from './users.module.css';

/** Settings → Users: the accounts, what admins change on them, and the recent changes (who, when, what). */
type Owner = { id: string; name: string; kind: string };
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const COLUMNS = ['E-mail', 'Name', 'Role', 'Status', 'Sign-in', 'Owners (“assigned to me”)', 'Last change'];

function Dated({ text, detail, nowrap = false }: { text: string; detail?: string | null; nowrap?: boolean }) {
  return <>{text}{detail && <><br /><span className={`subtle ${nowrap ? styles.when : ''}`}>{detail}</span></>}</>;
}

function SignIn({ s }: { s: UserSignIn }) {
  if (s.kind === 'link') return <Dated text="link pending" detail={`until ${utc(s.expiresAt)}`} nowrap />;
  if (s.kind === 'password') return <Dated text="password" detail={s.setAt && `set ${utc(s.setAt)}`} nowrap />;
  return <span title="known through the proxy header, or the link expired: a reset issues a new one">none</span>;
}

function Owners({ email, owners }: { email: string; owners: LinkedOwner[] }) {
  if (owners.length === 0) return <>–</>;
  return owners.map((o) => (o.how === 'linked' ? <UnlinkOwnerButton key={o.id} email={email} owner={o.id} /> : (
    <span key={o.id} className={styles.owner}>
      <span className="badge" title="the person owner with this e-mail">{o.id}</span> by e-mail
    </span>
  )));
}

function UserRow({ u }: { u: UserListing }) {
  const disabled = u.disabledAt !== null;
  const last = u.lastChange;
  return (
    <tr className={disabled ? styles.disabled : undefined}>
      <td className={styles.text}>{u.email}</td>
      <td className={styles.text}>{u.name}</td>
      <td><RoleForm email={u.email} role={u.role} /></td>
      <td><StatusForm key={String(disabled)} email={u.email} disabled={disabled} /></td>
      <td className={styles.text}><SignIn s={u.signIn} /></td>
      <td><Owners email={u.email} owners={u.owners} /></td>
      <td className={styles.text}>
        {last ? <Dated text={last.what} detail={`${last.actor}, ${utc(last.at)}`} /> : '–'}
      </td>
    </tr>
  );
}

function ChangesTable({ changes }: { changes: ChangeRow[] }) {
  if (changes.length === 0) return <p className="subtle">None yet.</p>;
  return (
    <table>
      <thead><tr><th>When</th><th>User</th><th>Change</th><th>By</th></tr></thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.id}>
            <td className={styles.when}>{utc(c.createdAt)}</td>
            <td>{c.email}</td><td>{describeUserChange(c)}</td><td>{c.actor}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Props = { users: UserListing[]; owners: Owner[]; changes: ChangeRow[] };

export function UsersSection({ users, owners, changes }: Props) {
  const emails = users.map((u) => u.email);
  return (
    <>
      <section className="panel" aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <p className="subtle">
          Viewers read, engineers also triage, admins also change settings. Disabling or resetting signs the user
          out everywhere; the last active admin cannot be demoted or disabled. From a shell:{' '}
          <code>npm run user -- list</code>.
        </p>
        <table>
          <thead><tr>{COLUMNS.map((c) => <th key={c}>{c}</th>)}</tr></thead>
          <tbody>{users.map((u) => <UserRow key={u.id} u={u} />)}</tbody>
        </table>
        <div className={styles.forms}>
          <AddUserForm />
          <ResetForm emails={emails} />
          <LinkOwnerForm emails={emails} owners={owners} />
        </div>
      </section>
      <section className="panel" aria-labelledby="user-changes-heading">
        <h2 id="user-changes-heading">Recent changes to users</h2>
        <ChangesTable changes={changes} />
      </section>
    </>
  );
}
