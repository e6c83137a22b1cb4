import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Rollscope',
  description: 'Incident and quality analytics for deployment pipelines',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a className="brand" href="/">Rollscope</a>
          <nav>
            <a href="/">Overview</a>
            <a href="/digests">Digests</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
