import { getDb } from '../db';

/**
 * Runs a CLI command: prints errors as one readable message (no stack unless ROLLSCOPE_DEBUG is
 * set), disconnects the database and exits with the command's code.
 */
export async function runCli(main: () => Promise<number | void>): Promise<void> {
  let code = 0;
  try {
    code = (await main()) ?? 0;
  } catch (error) {
    const err = error as Error;
    console.error(process.env.ROLLSCOPE_DEBUG ? err.stack : `error: ${err.message}`);
    code = 2;
  }
  try {
    await (await getDb()).close();
  } catch {
    // Nothing to close when the database never opened.
  }
  process.exit(code);
}
