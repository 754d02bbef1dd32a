import pg from 'pg';
import { DatabaseUnusableError } from '../errors.js';
import { registerSecret } from './redact.js';

/** A PostgreSQL URL as it may be shown: user, host, port and database, never the password or options. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** Register the URL's password (and the URL itself) as secrets, so no log line, error body or stored row shows them. */
export function maskDatabaseUrl(url: string): void {
  try {
    const u = new URL(url);
    if (u.password) registerSecret(decodeURIComponent(u.password));
    if (u.password) registerSecret(u.password);
  } catch {
    // Not a URL: nothing to pick out; the whole value is masked below.
  }
  registerSecret(url);
}

// int8 (COUNT, SUM, identity keys) and numeric (AVG of integers) come back as strings by default, because
// they can exceed a double. The coach's counts and means never do, and the repos expect numbers on both engines.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  /** Connections this instance keeps at most. Default 20. */
  max?: number;
  /** How long a query waits for a connection (a free one of the pool, or a new one) before failing. Default 10000 ms. */
  connectionTimeoutMs?: number;
  logError?: (err: unknown) => void;
}

/**
 * A connection pool to `url`. A connection that breaks (the server restarted, the network dropped) is
 * dropped from the pool and the next query opens a new one, so the pool reconnects by itself; the error
 * an idle connection raises meanwhile is logged here instead of crashing the process.
 */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  maskDatabaseUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 20,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    types,
    application_name: 'interview-coach',
  });
  const logError = options.logError ?? ((err: unknown) => console.error(err));
  pool.on('error', (err) => logError(new Error(`database connection lost (the pool reconnects on the next query): ${err.message}`)));
  // A connection that dies while checked out (between the statements of a transaction) emits 'error' on
  // its client, which the pool listens to only while the client is idle: unheard, it would crash the
  // process. The statement in flight gets the error itself, and the pool drops the client when released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** A start-up failure as one line that names the database without its password. */
export function unusablePostgres(url: string, err: unknown): DatabaseUnusableError {
  const why = err instanceof Error ? err.message : String(err);
  return new DatabaseUnusableError(`DATABASE_URL ${describeDatabaseUrl(url)} cannot be used: ${why}`, { cause: err });
}
