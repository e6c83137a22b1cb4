/**
 * What a database error means for the caller, on both dialects: `transient` (busy, a write
 * conflict or deadlock, a dropped connection: the same work may succeed if tried again), `data`
 * (the database refused these values: retrying cannot help, but the other records may be fine), or
 * `fatal` (anything else: a missing table, a full disk — stop and say so).
 */
export type DbErrorClass = 'transient' | 'data' | 'fatal';

type MappedCause = { kind?: string; code?: string; originalCode?: string; extendedCode?: number; message?: string; originalMessage?: string };

const TRANSIENT_KINDS = new Set(['SocketTimeout', 'TransactionWriteConflict', 'TooManyConnections', 'ConnectionClosed', 'DatabaseNotReachable']);
const DATA_KINDS = new Set(['LengthMismatch', 'ValueOutOfRange', 'InvalidInputValue', 'UniqueConstraintViolation', 'NullConstraintViolation', 'ForeignKeyConstraintViolation', 'RestrictViolation']);
// SQLite primary result codes: BUSY 5, LOCKED 6 (transient); TOOBIG 18, CONSTRAINT 19, MISMATCH 20, RANGE 25 (data).
const SQLITE_TRANSIENT = new Set([5, 6]);
const SQLITE_DATA = new Set([18, 19, 20, 25]);
// PostgreSQL SQLSTATE classes and codes: 08 connection, 40 rollback (serialization, deadlock), 53 resources,
// 55P03 lock not available, 57P01–57P03 server shutting down; 22 data exception, 23 integrity violation.
const PG_TRANSIENT = /^(08|40|53)|^55P03$|^57P0[123]$/;
const PG_DATA = /^(22|23)/;
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** The driver adapter's mapped cause of an error, when it carries one (DriverAdapterError, or Prisma's wrapper of it). */
function causeOf(error: unknown): MappedCause | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { name?: string; cause?: unknown; meta?: { driverAdapterError?: { cause?: unknown } } };
  if (e.name === 'DriverAdapterError' && typeof e.cause === 'object' && e.cause !== null) return e.cause as MappedCause;
  const wrapped = e.meta?.driverAdapterError?.cause;
  return typeof wrapped === 'object' && wrapped !== null ? (wrapped as MappedCause) : null;
}

export function classifyDbError(error: unknown): DbErrorClass {
  // Our own conversion of a value (an instant out of range, say) throws these before the database sees it.
  if (error instanceof RangeError || error instanceof TypeError) return 'data';
  const cause = causeOf(error);
  if (cause) {
    if (cause.kind && TRANSIENT_KINDS.has(cause.kind)) return 'transient';
    if (cause.kind && DATA_KINDS.has(cause.kind)) return 'data';
    if (cause.kind === 'sqlite' && cause.extendedCode !== undefined) {
      const primary = cause.extendedCode & 0xff;
      if (SQLITE_TRANSIENT.has(primary)) return 'transient';
      if (SQLITE_DATA.has(primary)) return 'data';
    }
    const code = cause.code ?? cause.originalCode ?? '';
    if (PG_TRANSIENT.test(code)) return 'transient';
    if (PG_DATA.test(code)) return 'data';
    return 'fatal';
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || /^SQLITE_(BUSY|LOCKED)/.test(code) || PG_TRANSIENT.test(code)) return 'transient';
    if (/^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(code) || PG_DATA.test(code)) return 'data';
  }
  return 'fatal';
}

/** A readable one-line reason for a database error (the driver's own message where there is one). */
export function describeDbError(error: unknown): string {
  const cause = causeOf(error);
  const text = cause?.originalMessage ?? cause?.message ?? (cause?.kind ? `${cause.kind}${cause.code ? ` ${cause.code}` : ''}` : null) ?? (error instanceof Error ? error.message : String(error));
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type RetryOptions = {
  /** Give up once this much time has passed since the first attempt (the last error is thrown). */
  budgetMs?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
};

/**
 * Runs `work`, and again after a growing, jittered delay while it fails with a transient error,
 * until the time budget is spent. Data and fatal errors are thrown at once. `work` must be safe to
 * repeat: a failed attempt has left nothing behind (a rolled-back transaction, an unexecuted statement).
 */
export async function retryTransient<T>(work: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const budget = opts.budgetMs ?? 5 * 60_000;
  const started = Date.now();
  let delay = opts.firstDelayMs ?? 50;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (classifyDbError(error) !== 'transient' || Date.now() - started + delay > budget) throw error;
      const wait = Math.round(delay * (0.5 + Math.random()));
      opts.onRetry?.(error, attempt, wait);
      await sleep(wait);
      delay = Math.min(opts.maxDelayMs ?? 5_000, delay * 2);
    }
  }
}
