// npm run bench: every `bench:*` script of package.json, one after the other (never part of npm test).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const scripts = Object.keys((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: object }).scripts);
let failed = 0;
for (const name of scripts.filter((s) => s.startsWith('bench:'))) {
  process.stdout.write(`\n== npm run ${name}\n`);
  const run = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
