import Database from 'better-sqlite3';

// PostgreSQL SQLSTATEs that mean "another transaction was in the way; the same statement can succeed if
// tried again": serialization failure, deadlock detected, lock not available.
const PG_RETRYABLE = new Set(['40001', '40P01', '55P03']);
// Connection exceptions (class 08), the server shutting down or restarting (57P01..57P03), too many
// connections (53300): the statement never ran or its outcome is unknown, and the pool will reconnect.
const PG_UNREACHABLE = /^(08|57P0[1-3]$|53300$)/;
const NODE_UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

const codeOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/**
 * Whether an error is the database saying another connection holds the lock: SQLite's `SQLITE_BUSY*` and
 * `SQLITE_LOCKED*`, PostgreSQL's serialization failure, deadlock or lock timeout. Retrying is safe.
 */
export function databaseBusy(err: unknown): boolean {
  if (err instanceof Database.SqliteError) return /^SQLITE_(BUSY|LOCKED)/.test(err.code);
  return PG_RETRYABLE.has(codeOf(err));
}

/**
 * Whether an error means the database server cannot be reached right now: a refused or dropped connection,
 * the server restarting, no free connection in time. The pool drops the broken connection and opens a new
 * one for the next query, so the request is answered 503 with `Retry-After` rather than 500.
 */
export function databaseUnreachable(err: unknown): boolean {
  if (err instanceof Database.SqliteError) return false;
  const code = codeOf(err);
  if (NODE_UNREACHABLE.has(code) || PG_UNREACHABLE.test(code)) return true;
  const message = err instanceof Error ? err.message : '';
  // node-postgres' own wording for a connection that ended or never came within connectionTimeoutMillis.
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection timeout/i.test(message);
}
