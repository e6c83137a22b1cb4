// npm run user -- add|role|disable|enable|reset|owner|list … — user accounts from a shell (see USER_USAGE).
import os from 'node:os';
import { text } from 'node:stream/consumers';
import { getDb } from '../db';
import { getSettings } from '../env';
import { createMailer } from '../mail/mailer';
import { runCli } from './run-cli';
import { runUserCommand } from './user-commands';

await runCli(async () => {
  const settings = getSettings();
  const mailer = { current: null as ReturnType<typeof createMailer> | null };
  try {
    return await runUserCommand(process.argv.slice(2), {
      db: await getDb(),
      actor: `cli:${os.userInfo().username}`,
      baseUrl: settings.baseUrl,
      mail: () => ({ mailer: (mailer.current ??= createMailer(settings)), from: settings.mailFrom }),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      readStdin: () => text(process.stdin),
    });
  } finally {
    mailer.current?.close();
  }
});
