import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isPostgresUnavailable, PostgresUnavailableError, withinDeadline } from './availability.js';
import { createSql } from './sql.js';

/** A port nothing listens on. */
async function aClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('telling a PostgreSQL outage from an SQL error', () => {
  it('takes a refused connection for an outage', async () => {
    const pool = createSql(`postgres://postgres@127.0.0.1:${await aClosedPort()}/postgres`);
    const error = await pool.query('select 1').catch((e: unknown) => e);
    await pool.end();
    expect(isPostgresUnavailable(error)).toBe(true);
  });

  it('takes a server that is starting up, or one out of connections, for an outage', () => {
    const starting = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    const full = Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
    expect([starting, full].map(isPostgresUnavailable)).toEqual([true, true]);
  });

  it('takes an SQL error for what it is, also when wrapped', async () => {
    const pool = createSql('postgres://postgres@127.0.0.1:5432/postgres');
    const error = await pool.query('select * from no_such_table').catch((e: unknown) => e);
    await pool.end();
    expect(isPostgresUnavailable(error)).toBe(false);
    expect(isPostgresUnavailable(new Error('wrapped', { cause: error }))).toBe(false);
    expect(error).toBeInstanceOf(pg.DatabaseError);
  });

  it('gives up on work past its deadline, and passes through work done in time', async () => {
    expect(await withinDeadline(() => Promise.resolve(7), 20)).toBe(7);
    const late = await withinDeadline(() => new Promise(() => {}), 20).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(PostgresUnavailableError);
    expect(isPostgresUnavailable(late)).toBe(true);
  });

  it('after an outage, answers at once for a moment without asking PostgreSQL, and asks again after', async () => {
    await withinDeadline(() => new Promise(() => {}), 10).catch(() => {});
    let asked = 0;
    const ask = () => withinDeadline(async () => ++asked, 100);
    expect(await ask().catch((e: unknown) => e)).toBeInstanceOf(PostgresUnavailableError);
    expect(asked).toBe(0);
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await ask()).toBe(1);
  });
});
