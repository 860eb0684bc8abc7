import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { ensureAdmin } from './admin.js';
import { ConfigError, loadConfig } from './config.js';
import { closeDeps, createDeps } from './deps.js';
import { demo, seedDemo } from './demo.js';
import { simulatePayments } from './demo-payments.js';
import { createLogger } from '../platform/logger.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The composition root: reads the config, opens the stores, runs the roles asked for, stops them cleanly. */
async function main(): Promise<void> {
  const roleArg = process.argv.find((a) => a.startsWith('--role='))?.slice(7);
  const env = roleArg ? { ...process.env, ROLES: roleArg } : process.env;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`evcms: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  // A fault no handler caught: logged as such, then the process ends (status 1) and its supervisor starts it
  // again (npm start, systemd, a container restart policy: docs/operations.md). Nothing is left half-running.
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) => {
      log.fatal({ err: error }, `${event}: exiting so that the supervisor restarts evcms`);
      process.exit(1);
    });
  }
  // The demo's payment providers, simulated when not configured for real, before the system so that it points at them.
  const payments = await simulatePayments(config, log);
  if (payments) config = loadConfig({ ...env, ...payments.env });
  const deps = await createDeps(config, log);
  const stops: Array<() => Promise<void>> = [];
  let firstSignalAt = 0;
  const shutdown = async (signal: string) => {
    if (deps.stopping) {
      // A process group may deliver one signal twice at once; a second Ctrl-C later means "now".
      if (Date.now() - firstSignalAt < 1000) return;
      log.warn('second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    deps.stopping = true;
    log.info({ signal }, 'shutting down: no new connections, draining work');
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log.error({ err: error }, 'error while stopping'));
    await closeDeps(deps).catch((error: unknown) => log.error({ err: error }, 'error while closing connections'));
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const admin = await ensureAdmin(deps.orm, config.ADMIN_EMAIL, config.ADMIN_PASSWORD ?? (config.DEMO ? demo.admin.password : undefined));
    if (admin?.password) log.warn({ email: admin.email }, `created the first administrator; its password, shown once: ${admin.password}`);
    const seeded = config.DEMO && (await seedDemo(deps.orm, deps, config.ADMIN_EMAIL, config.ADMIN_PASSWORD));

    const urls: string[] = [];
    // Each role's code is loaded only when the role runs: a gateway alone keeps out the API's schema, BullMQ
    // and the workers (see "Splitting the roles across machines" in docs/operations.md).
    if (config.ROLES.includes('workers')) {
      const { startWorkers } = await import('../workers/index.js');
      const workers = await startWorkers(deps);
      stops.push(() => workers.close());
    }
    if (config.ROLES.includes('ocpp')) {
      const { startGateway } = await import('../ocpp/gateway.js');
      const gateway = await startGateway(deps);
      stops.push(() => gateway.close());
      urls.push(`OCPP 1.6-J gateway: ws://${config.PUBLIC_HOST}:${gateway.port}/ocpp/{stationIdentity}`);
      if (config.DEMO && config.DEMO_CHARGERS) {
        // The demo's stations come alive: simulated chargers that boot, report and charge now and then.
        const { Fleet } = await import('../simulator/fleet.js');
        const fleet = new Fleet({
          url: `ws://127.0.0.1:${gateway.port}/ocpp`,
          stations: demo.stations.length,
          prefix: 'DEMO-CP-',
          connectors: 2,
          meterIntervalMs: 10_000,
          powerW: 11_000,
          sessions: true,
          idTags: demo.driver.tags,
          sessionMs: 180_000,
          chaos: false,
          // One connector of the last demo station faults 30 s after start, for 5 minutes, every 15: an alert to see.
          faultDrill: { firstMs: 30_000, forMs: 300_000, everyMs: 900_000 },
          log: (message) => log.debug({ simulator: true }, message),
        });
        await fleet.start();
        stops.push(async () => fleet.stop());
        urls.push(
          `Demo chargers:      ${demo.stations.map((s) => s.identity).join(', ')} simulated (DEMO_CHARGERS=0 to leave them to real chargers)`,
        );
      }
    }
    if (config.ROLES.includes('api')) {
      const { startApi } = await import('../api/server.js');
      const api = await startApi({ ...deps, version });
      stops.push(() => api.close());
      urls.push(`GraphQL API:        http://${config.PUBLIC_HOST}:${api.port}/graphql (subscriptions: ws on the same path)`);
      urls.push(`Health and metrics: http://${config.PUBLIC_HOST}:${api.port}/healthz /readyz /metrics`);
    }
    if (payments) {
      stops.push(() => payments.close());
      if (config.DEMO_CHARGERS && ['ocpp', 'api', 'workers'].every((role) => config.ROLES.includes(role as never)))
        stops.push(await payments.play(deps));
      urls.push(...payments.lines);
    }
    const lines = [`evcms ${version} running (${config.ROLES.join(', ')}; warehouse: ${deps.warehouse.kind})`, ...urls];
    if (config.DEMO) {
      lines.push(seeded ? 'Demo data seeded:' : 'Demo data (seeded earlier):');
      lines.push(`  admin     ${config.ADMIN_EMAIL} / ${config.ADMIN_PASSWORD ? '(ADMIN_PASSWORD)' : demo.admin.password}`);
      lines.push(`  operator  ${demo.operator.email} / ${demo.operator.password}`);
      lines.push(`  driver    ${demo.driver.email} / ${demo.driver.password}, RFID tags ${demo.driver.tags.join(', ')}`);
      for (const s of demo.stations)
        lines.push(`  station   ws://${config.PUBLIC_HOST}:${config.OCPP_PORT}/ocpp/${s.identity}  password ${s.password}`);
      const spare = demo.spare;
      lines.push(
        `  station   ws://${config.PUBLIC_HOST}:${config.OCPP_PORT}/ocpp/${spare.identity}  password ${spare.password}  (not simulated: yours to try)`,
      );
    }
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
  } catch (error) {
    log.fatal((error as Error).message);
    deps.stopping = true;
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await closeDeps(deps).catch(() => {});
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`evcms: ${(error as Error).message}\n`);
  process.exit(1);
});
