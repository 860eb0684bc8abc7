// Requests and answers between bench/api.ts and the processes it forks (the evcms processes and the
// load generator): `{ id, type, args }` one way, `{ id, result | error }` back; `ready` once started.
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

/**
 * The Node flags `npm start` runs evcms with (scripts/node-flags.sh), so that a bench measures the servers as
 * deployed: both the evcms processes and, for a fair baseline, the bare servers get them.
 */
export function evcmsNodeFlags(): string[] {
  const result = spawnSync('bash', [join(here, '../scripts/node-flags.sh')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scripts/node-flags.sh failed: ${result.stderr.trim()}`);
  return result.stdout.split('\n').filter(Boolean);
}

/** Forks a bench script under tsx, with its own environment on top of ours, stdout and stderr shared. */
export function forkScript(script: string, env: Record<string, string> = {}, execArgv: string[] = []): ChildProcess {
  return fork(join(here, script), [], {
    execPath: process.execPath,
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next message a child sends that `accept`s, or a failure when it exits first or takes longer than `timeoutMs`. */
export function nextMessage<T>(child: ChildProcess, accept: (m: Record<string, unknown>) => boolean, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (!accept(m)) return;
      done();
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`child process exited (code ${code}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no answer from the child process within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

let nextId = 1;
/** Asks a child to run its handler `type` with `args`; resolves to the handler's result. */
export async function ask<T>(child: ChildProcess, type: string, args: unknown, timeoutMs: number): Promise<T> {
  const id = nextId++;
  const reply = nextMessage<{ result?: T; error?: string }>(child, (m) => m.id === id, timeoutMs);
  child.send({ id, type, args });
  const answer = await reply;
  if (answer.error !== undefined) throw new Error(`${type}: ${answer.error}`);
  return answer.result as T;
}

/** In a child: answers the parent's requests with these handlers, and says it is ready with `info`. */
export function serveRequests(handlers: Record<string, (args: never) => Promise<unknown>>, info: Record<string, unknown>): void {
  process.on('message', (message: { id?: number; type?: string; args?: unknown }) => {
    if (message.id === undefined || !message.type) return;
    const handler = handlers[message.type];
    const run = handler ? Promise.resolve().then(() => handler(message.args as never)) : Promise.reject(new Error('unknown request'));
    run.then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) => process.send?.({ id: message.id, error: (error as Error)?.message ?? String(error) }),
    );
  });
  process.send?.({ type: 'ready', ...info });
}

/** Stops a child: asks it to, then kills it when it has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (child.connected) child.send({ id: 0, type: 'stop' });
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}
