import { parseArgs } from 'node:util';
import { deliverCredential, type MailChannel } from '../auth/credential-notice';
import { addUser, disableUser, enableUser, resetPassword, setRole, type Issued } from '../auth/user-admin';
import { listUsers, type UserListing } from '../auth/user-list';
import { linkOwner, unlinkOwner } from '../auth/user-owners';
import type { Role } from '../auth/roles';
import type { Db } from '../db';
import { HttpError } from '../errors';

/**
 * `npm run user -- <command>`: the accounts from a shell (lib/cli/user.ts runs it). Exit codes:
 * 0 done; 1 refused, nothing changed (a bad value, an unknown user, the last admin); 2 usage;
 * 3 done, but the sign-in link could not be mailed (it is printed).
 */
export const USER_USAGE = `usage: npm run user -- <command>
  add <email> --name <name> --role viewer|engineer|admin [--password <p> | --password - | --link [--mail]]
      (neither --password nor --link: a password is generated and printed once;
       --password - reads it from the first line of standard input, out of the shell's history)
  role <email> viewer|engineer|admin
  disable <email>        enable <email>
  reset <email> [--password <p> | --password - | --link [--mail]]
  owner <email> <owner-id> [--remove]   link (or unlink) an owner of the chain config
  list`;

export type UserCliDeps = {
  db: Db;
  /** Who the changes are recorded as made by ("cli:<os user>"). */
  actor: string;
  baseUrl: string;
  /** The mailer for --mail, made only when needed. */
  mail: () => MailChannel;
  out: (line: string) => void;
  err: (line: string) => void;
  readStdin: () => Promise<string>;
  now?: Date;
};

class UsageError extends Error {}

const OPTIONS = {
  name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' },
  link: { type: 'boolean' }, mail: { type: 'boolean' }, remove: { type: 'boolean' },
} as const;

function positionals(args: string[], count: number, shape: string): string[] {
  if (args.length === count) return args;
  throw new UsageError(`${shape}: expected ${count} value${count === 1 ? '' : 's'}, got ${args.length}`);
}

async function credentialOf(values: { password?: string; link?: boolean; mail?: boolean }, deps: UserCliDeps) {
  if (values.password !== undefined && values.link) throw new UsageError('give --password or --link, not both');
  if (values.mail && !values.link) throw new UsageError('--mail sends a sign-in link: use it with --link');
  if (values.link) return { credential: 'link' as const, mail: values.mail ?? false };
  if (values.password === undefined) return { credential: 'generated' as const };
  const password = values.password === '-' ? (await deps.readStdin()).split(/\r?\n/)[0]! : values.password;
  return { credential: 'password' as const, password };
}

async function report(deps: UserCliDeps, issued: Issued, mail: boolean, reason: 'welcome' | 'reset'): Promise<number> {
  const notice = await deliverCredential({ ...issued, baseUrl: deps.baseUrl, reason, mail: mail ? deps.mail() : null });
  for (const line of notice.lines) deps.out(line);
  return notice.mailFailed ? 3 : 0;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function signInText(u: UserListing): string {
  if (u.signIn.kind === 'link') return `link until ${utc(u.signIn.expiresAt)}`;
  return u.signIn.kind === 'password' ? 'password' : 'none';
}

function printList(deps: UserCliDeps, users: UserListing[]): void {
  const rows = users.map((u) => [
    u.email, u.name, u.role, u.disabledAt ? 'disabled' : 'active', signInText(u),
    u.owners.map((o) => (o.how === 'e-mail' ? `${o.id} (by e-mail)` : o.id)).join(', ') || '–',
    u.lastChange ? `${u.lastChange.what} — ${u.lastChange.actor}, ${utc(u.lastChange.at)}` : '–',
  ]);
  const header = ['E-MAIL', 'NAME', 'ROLE', 'STATUS', 'SIGN-IN', 'OWNERS', 'LAST CHANGE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const pad = (r: string[]) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  for (const r of [header, ...rows]) deps.out(pad(r));
}

async function run(argv: string[], deps: UserCliDeps): Promise<number> {
  const [command, ...rest] = argv;
  const parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  const { values, positionals: args } = parsed;
  const by = { actor: deps.actor, now: deps.now };
  switch (command) {
    case 'add': {
      const [email] = positionals(args, 1, 'add <email>');
      if (values.name === undefined || values.role === undefined) throw new UsageError('add needs --name and --role');
      const credential = await credentialOf(values, deps);
      const input = { email: email!, name: values.name, role: values.role as Role, ...credential };
      const issued = await addUser(deps.db, input, by);
      deps.out(`Added ${issued.user.email} (${issued.user.name}, ${issued.user.role}).`);
      return report(deps, issued, values.mail ?? false, 'welcome');
    }
    case 'role': {
      const [email, role] = positionals(args, 2, 'role <email> <role>');
      const { user, from } = await setRole(deps.db, { email: email!, role: role as Role }, by);
      deps.out(`${user.email}: role ${from} → ${user.role}.`);
      return 0;
    }
    case 'disable':
    case 'enable': {
      const [email] = positionals(args, 1, `${command} <email>`);
      const user = await (command === 'disable' ? disableUser : enableUser)(deps.db, { email: email! }, by);
      deps.out(command === 'disable' ? `${user.email} disabled; their sessions ended.` : `${user.email} enabled.`);
      return 0;
    }
    case 'reset': {
      const [email] = positionals(args, 1, 'reset <email>');
      const issued = await resetPassword(deps.db, { email: email!, ...(await credentialOf(values, deps)) }, by);
      deps.out(`${issued.user.email}: sign-in reset; the old password no longer works and their sessions ended.`);
      return report(deps, issued, values.mail ?? false, 'reset');
    }
    case 'owner': {
      const [email, owner] = positionals(args, 2, 'owner <email> <owner-id>');
      await (values.remove ? unlinkOwner : linkOwner)(deps.db, { email: email!, owner: owner! }, by);
      deps.out(values.remove ? `${owner} unlinked from ${email}.` : `${owner} linked to ${email}.`);
      return 0;
    }
    case 'list':
      positionals(args, 0, 'list');
      printList(deps, await listUsers(deps.db, deps.now));
      return 0;
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

/** Runs one command; returns the exit code. Never prints a password the user typed. */
export async function runUserCommand(argv: string[], deps: UserCliDeps): Promise<number> {
  try {
    return await run(argv, deps);
  } catch (error) {
    const parseError = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (error instanceof UsageError || parseError) {
      deps.err(`error: ${(error as Error).message}\n${USER_USAGE}`);
      return 2;
    }
    if (error instanceof HttpError) {
      deps.err(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
