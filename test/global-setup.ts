import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { dropDatabasesOf, migrateTemplate, runVariable, templateVariable, testDatabaseServer } from './database.js';

/**
 * Runs once before the suite: migrates this run's template database, of which each test file's own database is
 * a copy. Every name of the run (databases, Redis prefixes, warehouse databases) starts with the run's name; the
 * teardown drops the run's databases, the template last. The forks inherit the variables set here.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const run = `evcms_run_${process.pid}_${randomBytes(3).toString('hex')}`;
  const template = `${run}_template`;
  process.env[runVariable] = run;
  process.env[templateVariable] = template;
  await migrateTemplate(`${testDatabaseServer}/${template}`);
  return async () => {
    await dropDatabasesOf(testDatabaseServer, run);
  };
}
