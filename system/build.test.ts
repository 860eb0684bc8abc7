import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../test/system.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository, so the compiled code resolves node_modules as dist/ does.
const outDir = `dist-test-${process.pid}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the production build', () => {
  let system: TestSystem;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    rmSync(join(root, outDir), { recursive: true, force: true });
    await system?.close();
  });

  it('needs no TypeScript tooling and no test client in production: tsx, typescript, vitest and ocpp-rpc are devDependencies', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const tool of ['tsx', 'typescript', 'vitest', 'ocpp-rpc']) expect(manifest.dependencies, tool).not.toHaveProperty(tool);
  });

  it('compiles with tsc and the compiled entry point boots with plain node and answers /healthz', async () => {
    await promisify(execFile)('bash', ['scripts/build.sh', outDir], { cwd: root, timeout: 50_000 });
    for (const file of ['system/main.js', 'migrations/clickhouse/0001_meter_values.sql', 'schema/schema.graphql', 'package.json'])
      expect(existsSync(join(root, outDir, file)), file).toBe(true);

    const port = await freePort();
    const { config } = system;
    const { NODE_OPTIONS: _, ...parent } = process.env as Record<string, string>;
    const env: Record<string, string> = {
      ...parent,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      OCPP_PORT: String(port),
      API_PORT: '0',
      ROLES: 'ocpp',
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
      DATA_DIR: join(config.DATA_DIR, 'build-child'),
      SECRET_KEY: config.SECRET_KEY as string,
      LOG_LEVEL: 'warn',
    };
    child = spawn(process.execPath, [join(outDir, 'system/main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c));
    child.stderr?.on('data', (c: Buffer) => (output += c));
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status, output).toBe(200);
    // Plain node: no loader flag and no tsx in the command line.
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline.join(' ')).not.toMatch(/tsx|--import|--loader/);
    expect(readFileSync(`/proc/${child.pid}/environ`, 'utf8')).not.toMatch(/NODE_OPTIONS=[^\0]*tsx/);
  }, 90_000);
});
