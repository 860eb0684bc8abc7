import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The modules (resolved URLs) a fresh Node process loads to import `files`, as system/main.ts would for the gateway role. */
function modulesLoadedBy(files: string[]): string[] {
  const code = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
    for (const file of ${JSON.stringify(files)}) await import(new URL(file, ${JSON.stringify(`file://${root}`)}).href);
    process.stdout.write(JSON.stringify([...seen]));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`the import child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}

describe('a gateway-only process', () => {
  // A gateway on its own (ROLES=ocpp) hands samples to Redis; loading the warehouse engine cost it about 160 MB
  // of RSS, and the other roles' code (the API's schema, BullMQ, nodemailer) about 10 MB of heap. A static
  // import of any of them anywhere under ocpp/ or system/deps.ts brings that back.
  it('loads neither chDB, the ClickHouse client, nodemailer, BullMQ nor the API and workers code', () => {
    // What system/main.ts imports for the ocpp role (`npm run start:ocpp`).
    const loaded = modulesLoadedBy(['system/admin.ts', 'system/demo.ts', 'system/deps.ts', 'ocpp/gateway.ts']);
    expect(loaded.some((url) => url.includes('/ocpp/gateway.ts'))).toBe(true);
    const unwanted = loaded.filter((url) =>
      /\/node_modules\/(chdb|@chdb|@clickhouse|nodemailer|bullmq|@apollo|type-graphql)\/|\/(api|workers)\/[^/]+\.ts$/.test(url),
    );
    expect(unwanted).toEqual([]);
  });
});
