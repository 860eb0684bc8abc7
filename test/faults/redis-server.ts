import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL: no goodbye to clients, nothing flushed beyond what its persistence settings already wrote. */
  kill(): Promise<void>;
  /** Starts it again on the same port; `empty` removes its data directory first (a restart without its data). */
  start(options?: { empty?: boolean }): Promise<void>;
  /** Kills it and removes its data directory. */
  close(): Promise<void>;
}

/**
 * A redis-server of the test's own, on its own port and data directory, which a test may kill -9 and
 * restart (empty or with its AOF) without touching the machine's Redis that other test files share.
 * `appendonly: 'everysec' | 'always'` turns AOF on with that fsync policy; the default keeps nothing.
 */
export async function startPrivateRedis(options: { appendonly?: 'no' | 'everysec' | 'always' } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  let dir = mkdtempSync(join(tmpdir(), 'evcms-redis-'));
  let child: ChildProcess | null = null;
  const appendonly = options.appendonly ?? 'no';

  const start = async ({ empty = false } = {}) => {
    if (child) throw new Error('the private Redis is already running');
    if (empty) {
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'evcms-redis-'));
    }
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--logfile', ''];
    args.push('--appendonly', appendonly === 'no' ? 'no' : 'yes');
    if (appendonly !== 'no') args.push('--appendfsync', appendonly);
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.once('exit', () => {
      if (child === proc) child = null;
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}: ${out}`)), 10_000);
      proc.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${out}`));
      });
    });
  };

  const kill = async () => {
    const proc = child;
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
