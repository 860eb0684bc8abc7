// Writes a PostgreSQL migration for the difference between the entities and the migrations so far.
// Usage: npm run migration:create -- <name>
import { openDatabase } from '../database/orm.js';

const name = process.argv[2] ?? 'change';
const scratch = `postgres://postgres@127.0.0.1:5432/evcms_migration_${Date.now()}`;
const orm = await openDatabase(process.env.MIGRATION_DATABASE_URL ?? scratch, { migrate: true });
try {
  const result = await orm.migrator.create('migrations/postgres', false, false, name);
  console.log(result.fileName ? `wrote migrations/postgres/${result.fileName}: add it to migrations/postgres/index.ts` : 'no changes');
} finally {
  await orm.close();
  if (!process.env.MIGRATION_DATABASE_URL) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${new URL(scratch).pathname.slice(1)}"`);
    await client.end();
  }
}
