// evcms as bench/faults.ts runs it: the gateway and the workers (the telemetry sink) in one process, as
// `npm start` does, configured by the environment the bench passes. Over IPC it answers `warehouse`
// queries (the embedded chDB belongs to this process) and stops on `stop`.
import 'reflect-metadata';
import { loadConfig } from '../system/config.js';
import { closeDeps, createDeps } from '../system/deps.js';
import { createLogger } from '../platform/logger.js';

const config = loadConfig(process.env);
const log = createLogger(config.LOG_LEVEL, { pretty: false });
const deps = await createDeps(config, log);
const workers = await (await import('../workers/index.js')).startWorkers(deps);
const gateway = await (await import('../ocpp/gateway.js')).startGateway(deps);

type Request = { type: 'warehouse'; id: number; query: string } | { type: 'stop' };

process.on('message', (message: Request) => {
  if (message.type === 'stop') {
    deps.stopping = true;
    void gateway
      .close()
      .then(() => workers.close())
      .then(() => closeDeps(deps))
      .finally(() => process.exit(0));
    return;
  }
  deps.warehouse.client
    .query({ query: message.query, format: 'JSONEachRow' })
    .then((result) => result.json())
    .then(
      (rows) => process.send?.({ type: 'rows', id: message.id, rows }),
      (error: Error) => process.send?.({ type: 'rows', id: message.id, error: error.message }),
    );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', port: gateway.port });
