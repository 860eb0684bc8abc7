import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const script = new URL('./node-flags.sh', import.meta.url).pathname;

function flags(args: string[], env: Record<string, string> = {}) {
  const { NODE_OPTIONS: _, ...rest } = process.env;
  const result = spawnSync('bash', [script, ...args], { encoding: 'utf8', env: { ...rest, ...env } });
  return { status: result.status, lines: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
}

describe('scripts/node-flags.sh', () => {
  it('gives V8 one background thread less than the machine has cores, 1 to 4', () => {
    expect(flags(['1']).lines).toEqual(['--v8-pool-size=1']);
    expect(flags(['2']).lines).toEqual(['--v8-pool-size=1']);
    expect(flags(['3']).lines).toEqual(['--v8-pool-size=2']);
    expect(flags(['5']).lines).toEqual(['--v8-pool-size=4']);
    expect(flags(['64']).lines).toEqual(['--v8-pool-size=4']);
  });

  it("reads this machine's cores when none are given", () => {
    const { status, lines } = flags([]);
    expect(status).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^--v8-pool-size=[1-4]$/);
  });

  it('leaves the pool to NODE_OPTIONS when it sets one', () => {
    expect(flags(['8'], { NODE_OPTIONS: '--max-old-space-size=4096 --v8-pool-size=2' }).lines).toEqual([]);
    expect(flags(['8'], { NODE_OPTIONS: '--max-old-space-size=4096' }).lines).toEqual(['--v8-pool-size=4']);
  });

  it('refuses a core count that is not a whole number, naming it', () => {
    for (const bad of ['0', 'two', '-1']) {
      const { status, stderr } = flags([bad]);
      expect(status).toBe(2);
      expect(stderr).toContain(`got '${bad}'`);
    }
  });

  it('gives flags Node accepts', () => {
    const run = spawnSync(process.execPath, [...flags(['2']).lines, '-e', 'console.log(process.execArgv.join(" "))'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split(' ')[0]).toBe('--v8-pool-size=1');
  });
});
