// An evcms process as bench/api.ts runs it: the roles of ROLES (api, or ocpp and workers) composed as
// system/main.ts does, configured by the environment it is given, driven over IPC. The API process
// also serves the baseline: a bare node:http server answering a fixed JSON body.
import 'reflect-metadata';
import { createServer } from 'node:http';
import { startApi } from '../api/server.js';
import { startGateway } from '../ocpp/gateway.js';
import { loadConfig } from '../system/config.js';
import { closeDeps, createDeps } from '../system/deps.js';
import { closeServer, listen } from '../platform/http.js';
import { createLogger } from '../platform/logger.js';
import { startWorkers } from '../workers/index.js';
import { serveRequests } from './api-ipc.js';
import { startProfile, stopProfile } from './api-profile.js';
import { seedOrganisation } from './api-state.js';

const config = loadConfig(process.env);
const log = createLogger(config.LOG_LEVEL, { pretty: false });
const deps = await createDeps(config, log);
const workers = config.ROLES.includes('workers') ? await startWorkers(deps) : null;
const gateway = config.ROLES.includes('ocpp') ? await startGateway(deps) : null;
const api = config.ROLES.includes('api') ? await startApi({ ...deps, version: 'bench' }) : null;

// The baseline: what node:http alone costs for a request of this size, in this same process.
let fixedBody = Buffer.from('{"data":null}');
const baseline = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': fixedBody.length });
    res.end(fixedBody);
  });
});
const baselinePort = api ? await listen(baseline, 0, '127.0.0.1', 'baseline server') : 0;

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  deps.stopping = true;
  await closeServer(baseline, 1000).catch(() => {});
  await api?.close().catch(() => {});
  await gateway?.close().catch(() => {});
  await workers?.close().catch(() => {});
  await deps.warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${config.CLICKHOUSE_DATABASE}` }).catch(() => {});
  await closeDeps(deps).catch(() => {});
  process.exit(0);
}
process.on('disconnect', () => void stop());

serveRequests(
  {
    /** The organisation and its stations, and an operator's access token signed as the API signs them. */
    seed: async ({ stations }: { stations: number }) => {
      const seeded = await seedOrganisation(config.DATABASE_URL, deps.secrets, stations);
      const { token } = await deps.tokens.sign({ id: seeded.userId, role: 'OPERATOR', organisationId: seeded.organisationId });
      return { ...seeded, token };
    },
    baselineBody: async ({ body }: { body: string }) => {
      fixedBody = Buffer.from(body);
      return fixedBody.length;
    },
    profileStart: () => startProfile(),
    profileStop: ({ file, maps }: { file: string; maps: string }) => stopProfile(file, maps),
    stop: () => stop(),
  },
  { apiPort: api?.port ?? 0, baselinePort, ocppPort: gateway?.port ?? 0 },
);
