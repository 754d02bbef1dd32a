// A second process holding the write lock of a SQLite database, as a backup tool or a second server
// would: `node hold-db-lock.mjs <db path>` prints "locked" once it holds the lock, and releases it
// (printing "released") when a line arrives on stdin; it exits when stdin closes.
import Database from 'better-sqlite3';

const db = new Database(process.argv[2]);
db.pragma('journal_mode = WAL');
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\n');
let held = true;
process.stdin.on('data', () => {
  if (!held) return;
  db.exec('ROLLBACK');
  held = false;
  process.stdout.write('released\n');
});
process.stdin.on('end', () => {
  db.close();
  process.exit(0);
});
