import { checkSignInLink } from '../../../lib/auth/sign-in-links';
import { signInLinkPageSchema } from '../../../lib/auth/user-schemas';
import { getDb } from '../../../lib/db';
import { paramsOrThrow } from '../../../lib/http/params';
import { currentClient } from '../../_lib/auth';
import { LinkPasswordForm } from './link-form';

export const dynamic = 'force-dynamic';

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A one-time sign-in link (lib/auth/sign-in-links.ts): set a password, or read why the link does not work. */
type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInLinkPage({ searchParams }: { searchParams: Search }) {
  const { token } = paramsOrThrow(signInLinkPageSchema, await searchParams);
  const link = await checkSignInLink(await getDb(), { token, client: await currentClient() });
  if (!link.ok) {
    return (
      <section className="panel" style={{ maxWidth: 440, margin: '64px auto' }}>
        <h1>This sign-in link does not work</h1>
        <p role="alert" className="down">{link.message}</p>
        <p><a href="/login">Sign in with a password</a></p>
      </section>
    );
  }
  return <LinkPasswordForm token={token!} email={link.email} name={link.name} until={utc(link.expiresAt)} />;
}
