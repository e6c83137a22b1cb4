// One web server's share of a sign-in burst (test/lib/auth/sign-in-processes.db.test.ts): at the
// agreed instant, `count` parallel attempts on one account; prints how many were let through.
import { admitSignIn, attemptKey } from '../../../lib/auth/sign-in-attempts';
import { TooManySignInsError } from '../../../lib/auth/throttle';
import { openDb } from '../../../lib/db';

const [url, email, count, startAt, now] = process.argv.slice(2) as [string, string, string, string, string];
const db = await openDb(url);
await db.prisma.signInAttempt.count();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const admitted = await Promise.all(
  Array.from({ length: Number(count) }, () =>
    admitSignIn(db, attemptKey(email, '10.0.9.1'), new Date(now)).then(
      () => 1,
      (error: unknown) => {
        if (error instanceof TooManySignInsError) return 0;
        throw error;
      },
    ),
  ),
);
console.log(`admitted ${admitted.reduce((a, b) => a + b, 0)}`);
await db.close();
