import type { Db } from '../../lib/db';

/** The host of a "poisoned" record: it passes validation, but the database refuses to store it. */
export const POISON_HOST = 'poison-host';

/**
 * Makes the database refuse every stage run of POISON_HOST (a trigger, standing in for any
 * store-time failure validation did not foresee), with a data error on either database.
 */
export async function installPoison(db: Db): Promise<void> {
  const p = db.prisma;
  if (db.kind === 'sqlite') {
    await p.$executeRawUnsafe(`CREATE TRIGGER poison BEFORE INSERT ON "StageRun" WHEN NEW."host" = '${POISON_HOST}' BEGIN SELECT RAISE(ABORT, 'poisoned record'); END`);
  } else {
    await p.$executeRawUnsafe(`CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW."host" = '${POISON_HOST}' THEN RAISE EXCEPTION 'poisoned record' USING ERRCODE = '23514'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await p.$executeRawUnsafe('CREATE TRIGGER poison BEFORE INSERT ON "StageRun" FOR EACH ROW EXECUTE FUNCTION poison()');
  }
}
