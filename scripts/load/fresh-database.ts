import pg from 'pg';

let counter = 0;

/**
 * A new, empty database on the server `baseUrl` points at (its role needs CREATEDB), for a test file or a
 * load run, so nothing shares tables with it; `drop()` removes it. Its URL is `baseUrl` with the new name.
 */
export async function freshDatabase(baseUrl: string, prefix = 'coach_t'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
