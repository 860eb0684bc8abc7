// The API role alone, in a process of its own, configured from the environment: what the end-to-end
// test runs as its subscriber's server. Prints {"port": N} once listening; stops cleanly on SIGTERM or when its stdin closes.
import 'reflect-metadata';
import { startApi } from '../api/server.js';
import { loadConfig } from '../system/config.js';
import { closeDeps, createDeps } from '../system/deps.js';
import { createLogger } from '../platform/logger.js';

const config = loadConfig({ ...process.env, ROLES: 'api' });
const deps = await createDeps(config, createLogger(config.LOG_LEVEL, { pretty: false }));
const api = await startApi({ ...deps, version: 'e2e' });
process.stdout.write(`${JSON.stringify({ port: api.port })}\n`);
let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  deps.stopping = true;
  api
    .close()
    .then(() => closeDeps(deps))
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
}
process.once('SIGTERM', stop);
// A parent that dies without a word closes our stdin: stop then too, rather than linger.
process.stdin.once('end', stop);
process.stdin.resume();
