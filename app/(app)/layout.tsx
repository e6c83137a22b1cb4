import type { ReactNode } from 'react';
import { HeaderNav, type NavItem } from '../_components/header-nav';
import { SearchBox } from '../_components/search-box';
import { signOutAction } from '../login/actions';
import { currentUser, hasRole } from '../_lib/auth';

const NAV: NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/trends', label: 'Trends' },
  { href: '/errors', label: 'Errors' },
  { href: '/stages', label: 'Stages' },
  { href: '/admission', label: 'Admission' },
  { href: '/quarantine', label: 'Quarantine' },
  { href: '/digests', label: 'Digests' },
];

/** The signed-in part of the dashboard: navigation, search and who is signed in. Each page checks access itself. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  const items = hasRole(user, 'admin') ? [...NAV, { href: '/settings', label: 'Settings' }] : NAV;
  return (
    <>
      <header className="top">
        <a className="brand" href="/">Rollscope</a>
        <SearchBox />
        <HeaderNav
          items={items}
          extra={user && (
            <form action={signOutAction} className="user">
              <a href="/account" className="subtle" title="Your account">{user.name} · {user.role}</a>
              <button type="submit" className="link">Sign out</button>
            </form>
          )}
        />
      </header>
      <main>{children}</main>
    </>
  );
}
