import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation } from '../test/api.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// POST /sql and `npm run sql`: an administrator's SQL, read-only, in the process that holds the warehouse.

describe('SQL for analysts', () => {
  let system: TestSystem;
  let admin: string;
  let operator: string;
  const post = (body: string, credential?: string, query = '') =>
    fetch(`${system.apiUrl}/sql${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
      body,
    });
  const refusal = async (response: Response) => [
    response.status,
    ((await response.json()) as { errors: Array<{ message: string }> }).errors[0]?.message,
  ];

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const { organisationId } = await anOrganisation(system);
    admin = (await aUser(system, 'ADMIN')).token;
    operator = (await aUser(system, 'OPERATOR', organisationId)).token;
  });
  afterAll(async () => {
    await system?.close();
  });

  it('answers an administrator from the documented views, in the format asked', async () => {
    const tsv = await post('SELECT count() AS sessions FROM session_facts', admin);
    expect([tsv.status, await tsv.text()]).toEqual([200, 'sessions\n0\n']);
    const json = await post('SELECT 1 + 1 AS two;', admin, '?format=JSONEachRow');
    expect(await json.text()).toBe('{"two":2}\n');
  });

  it('refuses everyone else', async () => {
    expect((await post('SELECT 1')).status).toBe(401);
    expect(await refusal(await post('SELECT 1', operator))).toEqual([403, '/sql is for administrators']);
  });

  it('runs read-only: no writes, no settings changed, one statement', async () => {
    expect(await refusal(await post('DROP TABLE sessions', admin))).toEqual([
      400,
      'query: only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS are run here',
    ]);
    const [status, message] = await refusal(await post('SELECT 1 SETTINGS max_execution_time = 100000', admin));
    expect([status, message]).toEqual([400, expect.stringMatching(/readonly/i)]);
    const [, second] = await refusal(await post('SELECT 1; DROP TABLE sessions', admin));
    expect(second).toMatch(/Syntax error|Multi-statements|readonly/i);
    const [, huge] = await refusal(await post('SELECT number FROM system.numbers LIMIT 20000', admin));
    expect(huge).toMatch(/TOO_MANY_ROWS|Limit for result exceeded/i);
  });

  it('is what `npm run sql` posts to', async () => {
    const run = promisify(execFile);
    const { stdout } = await run('node_modules/.bin/tsx', ['scripts/sql.ts', 'SELECT 40 + 2 AS answer', '--format=CSVWithNames'], {
      env: { ...process.env, EVCMS_API_URL: system.apiUrl, EVCMS_TOKEN: admin },
    });
    expect(stdout).toBe('"answer"\n42\n');
  });
});
