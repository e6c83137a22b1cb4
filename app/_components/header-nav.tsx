'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';

export type NavItem = { href: string; label: string };

/**
 * The header's links. On a phone they fold behind a "Menu" button (app/globals.css folds them only
 * where scripts run, so without JavaScript they stay visible and wrap).
 */
export function HeaderNav({ items, extra }: { items: NavItem[]; extra?: ReactNode }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);
  const current = (href: string) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <div className="nav-wrap" data-open={open ? 'yes' : undefined}>
      <button type="button" className="nav-toggle secondary" aria-expanded={open} aria-controls="site-nav" onClick={() => setOpen(!open)}>
        Menu
      </button>
      <nav id="site-nav" aria-label="Main">
        {items.map((n) => (
          <a key={n.href} href={n.href} aria-current={current(n.href) ? 'page' : undefined}>{n.label}</a>
        ))}
        {extra}
      </nav>
    </div>
  );
}
