import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../../lib/auth/sessions';
import { checkSignInLink } from '../../../lib/auth/sign-in-links';
import { runUserCommand, type UserCliDeps } from '../../../lib/cli/user-commands';
import { createMailer } from '../../../lib/mail/mailer';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';

// npm run user: through its function (output and exit codes), and once as a real child process.
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const TSX = import.meta.resolve('tsx');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-user-cli-'));
let t: TestDb;
let smtp: TestSmtp;

beforeAll(async () => {
  [t, smtp] = await Promise.all([createTestDb(), startSmtpServer()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), smtp?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

type Run = { code: number; out: string; err: string };
async function user(argv: string[], opts: { stdin?: string; smtpUrl?: string | null } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const mailer = createMailer({ smtpUrl: opts.smtpUrl ?? null, outboxDir: path.join(dir, 'outbox') });
  const deps: UserCliDeps = {
    db: t.db,
    actor: 'cli:tester',
    baseUrl: 'https://rollscope.example',
    mail: () => ({ mailer, from: 'Rollscope <rs@example.com>' }),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readStdin: async () => opts.stdin ?? '',
  };
  try {
    return { code: await runUserCommand(argv, deps), out: out.join('\n'), err: err.join('\n') };
  } finally {
    mailer.close();
  }
}
const tokenIn = (text: string) => /\/login\/link\?token=([\w-]{43})/.exec(text)?.[1];

describe(`npm run user (${EXPECTED_KIND})`, () => {
  it('adds users with a generated password printed once, a typed one never printed, or a link', async () => {
    const gen = await user(['add', 'Root@Example.com', '--name', 'Root', '--role', 'admin']);
    expect(gen).toMatchObject({ code: 0, err: '' });
    const password = gen.out.split('\n').at(-1)!;
    expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect((await signIn(t.db, { email: 'root@example.com', password })).user.role).toBe('admin');

    const typed = await user([
      'add',
      'typed@example.com',
      '--name',
      'Typed',
      '--role',
      'viewer',
      '--password',
      'typed secret 123',
    ]);
    const piped = await user(['add', 'piped@example.com', '--name', 'Piped', '--role', 'viewer', '--password', '-'], {
      stdin: 'piped secret 123\n',
    });
    for (const run of [typed, piped])
      expect(run).toMatchObject({ code: 0, out: expect.stringContaining('not shown again') });
    expect(`${typed.out}${typed.err}${piped.out}${piped.err}`).not.toMatch(/typed secret|piped secret/);
    expect((await signIn(t.db, { email: 'piped@example.com', password: 'piped secret 123' })).user.email).toBe(
      'piped@example.com',
    );

    const link = await user(['add', 'link@example.com', '--name', 'Link', '--role', 'engineer', '--link']);
    expect(link.code).toBe(0);
    expect(link.out).toContain('https://rollscope.example/login/link?token=');
    expect(await checkSignInLink(t.db, { token: tokenIn(link.out), client: '10.9.0.1' })).toMatchObject({
      ok: true,
      email: 'link@example.com',
    });
    const changes = await t.db.prisma.userChange.findMany({ where: { kind: 'create', actor: 'cli:tester' } });
    expect(changes).toHaveLength(4);
  });

  it('mails the link with --mail (to the outbox without SMTP, or by SMTP), and exits 3 when it cannot', async () => {
    const outboxed = await user(['add', 'box@example.com', '--name', 'Box', '--role', 'viewer', '--link', '--mail']);
    expect(outboxed.code).toBe(0);
    expect(outboxed.out).toMatch(/no SMTP_URL: written to .*\.eml/);
    const files = readdirSync(path.join(dir, 'outbox', 'sign-in'));
    const mail = await simpleParser(readFileSync(path.join(dir, 'outbox', 'sign-in', files[0]!)));
    expect(mail.subject).toBe('Your Rollscope account');
    expect(mail.text).toContain(`https://rollscope.example/login/link?token=${tokenIn(outboxed.out)}`);

    const sent = await user(['reset', 'box@example.com', '--link', '--mail'], { smtpUrl: smtp.url });
    expect(sent).toMatchObject({ code: 0, out: expect.stringContaining('E-mailed to box@example.com.') });
    expect(smtp.received.at(-1)!.subject).toBe('Set a new Rollscope password');
    expect(smtp.received.at(-1)!.text).toContain(tokenIn(sent.out));

    const failed = await user(['reset', 'box@example.com', '--link', '--mail'], {
      smtpUrl: 'smtp://127.0.0.1:1?tls=off',
    });
    expect(failed.code).toBe(3);
    expect(failed.out).toMatch(/could not be sent .*: pass the link on yourself/);
    expect(await checkSignInLink(t.db, { token: tokenIn(failed.out), client: '10.9.0.2' })).toMatchObject({ ok: true });
  });

  it('changes roles, disables and enables, refuses the last admin, and names what is wrong', async () => {
    expect(await user(['role', 'link@example.com', 'admin'])).toMatchObject({
      code: 0,
      out: 'link@example.com: role engineer → admin.',
    });
    expect(await user(['disable', 'link@example.com'])).toMatchObject({
      code: 0,
      out: 'link@example.com disabled; their sessions ended.',
    });
    expect(await user(['role', 'root@example.com', 'viewer'])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: root@example.com is the last active admin: /),
    });
    expect(await user(['disable', 'root@example.com'])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/last active admin/),
    });
    expect(await user(['enable', 'link@example.com'])).toMatchObject({ code: 0, out: 'link@example.com enabled.' });
    expect(await user(['role', 'link@example.com', 'engineer'])).toMatchObject({ code: 0 });
    expect(await user(['role', 'link@example.com', 'boss'])).toMatchObject({
      code: 1,
      err: 'error: role: "boss" is not one of viewer, engineer, admin',
    });
    expect(await user(['disable', 'ghost@example.com'])).toMatchObject({
      code: 1,
      err: 'error: email: no user has the e-mail ghost@example.com',
    });
    expect(
      await user(['add', 'x@example.com', '--name', 'X', '--role', 'viewer', '--password', 'short']),
    ).toMatchObject({ code: 1, err: 'error: password: needs at least 10 characters' });
    for (const argv of [
      [],
      ['frob'],
      ['add', 'x@example.com'],
      ['role', 'x@example.com'],
      ['list', '--bogus'],
      ['add', 'x@example.com', '--name', 'X', '--role', 'viewer', '--link', '--password', 'p'],
      ['reset', 'x@example.com', '--mail'],
    ]) {
      const run = await user(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.err).toContain('usage: npm run user -- <command>');
    }
  });

  it('links owners and lists every user with role, status, sign-in, owners and last change', async () => {
    const owner = await t.db.prisma.owner.findFirstOrThrow({ where: { kind: 'team' } });
    expect(await user(['owner', 'typed@example.com', owner.id])).toMatchObject({ code: 0 });
    const list = await user(['list']);
    expect(list.code).toBe(0);
    const lines = list.out.split('\n');
    expect(lines[0]).toMatch(/^E-MAIL\s+NAME\s+ROLE\s+STATUS\s+SIGN-IN\s+OWNERS\s+LAST CHANGE$/);
    expect(lines.find((l) => l.startsWith('typed@example.com'))).toMatch(
      new RegExp(`viewer\\s+active\\s+password\\s+${owner.id}\\s+linked to owner ${owner.id} — cli:tester`),
    );
    expect(lines.find((l) => l.startsWith('box@example.com'))).toMatch(/viewer\s+active\s+link until/);
    // Disabling deleted its unused link: no way to sign in until a reset.
    expect(lines.find((l) => l.startsWith('link@example.com'))).toMatch(/engineer\s+active\s+none\s/);
    expect(await user(['owner', 'typed@example.com', owner.id, '--remove'])).toMatchObject({
      code: 0,
      out: `${owner.id} unlinked from typed@example.com.`,
    });
  });

  it('runs as a real command: npm run user -- add, then list', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'lib/cli/user.ts'), ...args], {
        cwd: dir,
        env: {
          ...process.env,
          DATABASE_URL: t.url,
          ROLLSCOPE_DATA_DIR: dir,
          SMTP_URL: '',
          ROLLSCOPE_BASE_URL: '',
          PORT: '3000',
        },
        encoding: 'utf8',
        timeout: 120_000,
      });
    const added = run(['add', 'proc@example.com', '--name', 'Proc', '--role', 'engineer', '--link']);
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toMatch(
      new RegExp(
        '^Added proc@example.com \\(Proc, engineer\\)\\.\\nOne-time sign-in link, valid until .* \\(72 h\\), shown only now:\\n' +
          'http://localhost:3000/login/link\\?token=[\\w-]{43}\\n$',
      ),
    );
    const refused = run(['disable', 'root@example.com']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^error: root@example.com is the last active admin/);
    const listed = run(['list']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/proc@example.com\s+Proc\s+engineer\s+active\s+link until .* cli:/);
  });
});
