import type Database from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, SqliteDialect, type TransactionSettings } from 'kysely';

/** Statements kept prepared; the repos' queries are a few dozen texts, so this is never reached in practice. */
const STATEMENT_CACHE_SIZE = 200;

/** The one better-sqlite3 connection, with its statements prepared once per SQL text. */
class PreparedConnection implements DatabaseConnection {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  constructor(db: Database.Database) {
    this.#db = db;
  }
  #prepare(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.clear();
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }
  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    if (stmt.reader) return { rows: stmt.all(...parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(...parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by the coach');
  }
}

/**
 * Kysely's SQLite driver hands its single connection out through a mutex whose every release wakes every
 * waiter; under load (hundreds of requests queued behind a transaction) that is quadratic. This driver
 * queues waiters first in, first out, and wakes exactly one, and keeps statements prepared.
 */
class FifoSqliteDriver implements Driver {
  readonly #connection: PreparedConnection;
  readonly #db: Database.Database;
  readonly #waiting: (() => void)[] = [];
  #busy = false;
  constructor(db: Database.Database) {
    this.#db = db;
    this.#connection = new PreparedConnection(db);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#busy = true;
    return this.#connection;
  }
  async releaseConnection(): Promise<void> {
    const next = this.#waiting.shift();
    // Handed straight to the next waiter: the connection stays busy, nobody can cut in between.
    if (next) next();
    else this.#busy = false;
  }
  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async destroy(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/** Kysely's SQLite dialect (its SQL compiler and adapter) over `FifoSqliteDriver`. */
export class CoachSqliteDialect extends SqliteDialect {
  readonly #db: Database.Database;
  constructor(db: Database.Database) {
    super({ database: db });
    this.#db = db;
  }
  override createDriver(): Driver {
    return new FifoSqliteDriver(this.#db);
  }
}
