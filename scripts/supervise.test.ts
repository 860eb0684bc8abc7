import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = new URL('./supervise.sh', import.meta.url).pathname;

/** Runs the supervisor over a bash snippet; `$RUNS` is a file the snippet may count its runs in. */
function supervise(snippet: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'evcms-supervise-'));
  const runs = join(dir, 'runs');
  writeFileSync(runs, '');
  const child = spawn('bash', [script, 'bash', '-c', snippet], {
    env: { ...process.env, RUNS: runs, EVCMS_RESTART_DELAY: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ended = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ended, runs: () => readFileSync(runs, 'utf8').split('\n').filter(Boolean).length, stderr: () => stderr };
}

describe('scripts/supervise.sh', () => {
  it('starts a process again after it crashes, until it ends cleanly', async () => {
    // Crashes twice (status 1, then killed by a signal), then stops cleanly.
    const run = supervise('echo run >> "$RUNS"; n=$(wc -l < "$RUNS"); [ "$n" = 1 ] && exit 1; [ "$n" = 2 ] && kill -9 $$; exit 0');
    expect(await run.ended).toBe(0);
    expect(run.runs()).toBe(3);
    expect(run.stderr()).toContain('ended with status 1; starting it again');
    expect(run.stderr()).toContain('ended with status 137; starting it again');
  });

  it('does not restart a process stopped by a configuration error (status 2)', async () => {
    const run = supervise('echo run >> "$RUNS"; exit 2');
    expect(await run.ended).toBe(2);
    expect(run.runs()).toBe(1);
  });

  it('passes SIGTERM on to the process and does not start it again', async () => {
    const run = supervise('echo run >> "$RUNS"; trap "echo stopped >&2; exit 0" TERM; while :; do sleep 0.05; done');
    while (run.runs() === 0) await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGTERM');
    expect(await run.ended).toBe(0);
    expect(run.stderr()).toContain('stopped');
    expect(run.runs()).toBe(1);
  });

  it('runs the command once with EVCMS_SUPERVISE=0', async () => {
    const run = supervise('echo run >> "$RUNS"; exit 1', { EVCMS_SUPERVISE: '0' });
    expect(await run.ended).toBe(1);
    expect(run.runs()).toBe(1);
  });
});
