import type { ReactNode } from 'react';
import { signOutAction } from '../login/actions';
import { currentUser, hasRole } from '../_lib/auth';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/errors', label: 'Errors' },
  { href: '/stages', label: 'Stages' },
  { href: '/admission', label: 'Admission' },
  { href: '/quarantine', label: 'Quarantine' },
  { href: '/digests', label: 'Digests' },
];

/** The signed-in part of the dashboard: navigation and who is signed in. Each page checks access itself. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <>
      <header className="top">
        <a className="brand" href="/">Rollscope</a>
        <nav>
          {NAV.map((n) => (
            <a key={n.href} href={n.href}>{n.label}</a>
          ))}
          {hasRole(user, 'admin') && <a href="/settings">Settings</a>}
        </nav>
        {user && (
          <form action={signOutAction} className="user">
            <span className="subtle">{user.name} · {user.role}</span>
            <button type="submit" className="link">Sign out</button>
          </form>
        )}
      </header>
      <main>{children}</main>
    </>
  );
}
