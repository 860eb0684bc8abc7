import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { arrayLiteral, createSql, oneAtATime } from './sql.js';

describe('write-behind helpers', () => {
  const sql = createSql(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 1);
  afterAll(() => sql.end());

  it('builds array literals PostgreSQL reads back as the same uuids, numbers and nulls', async () => {
    const ids = [randomUUID(), randomUUID()];
    const numbers = [1_764_000_000_123, -2.5, null, 0];
    const { rows } = await sql.query<{ ids: string[]; numbers: Array<number | null> }>(
      'select $1::uuid[] as ids, $2::float8[] as numbers',
      [arrayLiteral(ids), arrayLiteral(numbers)],
    );
    expect(rows[0]).toEqual({ ids, numbers });
    expect(arrayLiteral([])).toBe('{}');
  });

  it('turns epoch milliseconds into the same instant', async () => {
    const at = new Date('2026-11-26T20:30:01.234Z');
    const { rows } = await sql.query<{ at: Date }>('select to_timestamp(v / 1000.0) as at from unnest($1::float8[]) as v', [
      arrayLiteral([at.getTime()]),
    ]);
    expect(rows[0]?.at.toISOString()).toBe(at.toISOString());
  });

  it('runs flushes one at a time, so a flush started during another resolves only after both', async () => {
    const log: string[] = [];
    let n = 0;
    const flush = oneAtATime(async () => {
      const mine = ++n;
      log.push(`start ${mine}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (mine === 1) throw new Error('first failed');
      log.push(`end ${mine}`);
      return mine;
    });
    const first = flush();
    const second = flush();
    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(['start 1', 'start 2', 'end 2']);
  });
});
