import { parseArgs } from 'node:util';
import { demo } from '../system/demo.js';
import { defaultGatewayUrl } from './endpoint.js';
import { parseFaultDrill } from './fault-drill.js';
import { Fleet } from './fleet.js';

const usage = `npm run simulate -- [options]

Runs simulated OCPP 1.6-J chargers against an evcms gateway (by default, the demo of npm start).

  --stations N          how many chargers (default ${demo.stations.length}); identities PREFIX001, PREFIX002, ...
  --url URL             gateway endpoint without the identity (default ws://127.0.0.1:$OCPP_PORT/ocpp, port 8180 when unset)
  --prefix P            identity prefix (default DEMO-CP-)
  --password S          the password of every station (default: the demo's, for demo identities)
  --connectors N        connectors per charger (default 2)
  --sessions            start and stop charging sessions at random
  --idtags A,B          idTags for sessions (default the demo driver's: ${demo.driver.tags.join(',')})
  --session-seconds S   average session length (default 60)
  --meter-interval S    seconds between MeterValues while charging (default 10)
  --power-kw K          power drawn while charging (default 11)
  --chaos               random connector faults and reconnects
  --maintenance-failures P  chance (0 to 1) that a diagnostics upload or firmware update fails (default 0.1)
  --fault-drill F:D:E   the last charger's last connector goes Faulted F seconds after start, for D seconds,
                        every E seconds (an alert raised and resolved on a schedule)
  --duration S          stop after S seconds (default: run until Ctrl-C)
  --quiet               print only the summary every 10 seconds
`;

function number(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    process.stderr.write(`simulate: --${name}: expected a number of at least ${min} (got "${raw}")\n`);
    process.exit(2);
  }
  return value;
}

function drillOption(raw: string | undefined) {
  if (raw === undefined) return undefined;
  const drill = parseFaultDrill(raw);
  if (drill) return drill;
  process.stderr.write(`simulate: --fault-drill: expected FIRST:FOR:EVERY in seconds, EVERY at least FOR (got "${raw}")\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stations: { type: 'string' },
      url: { type: 'string' },
      prefix: { type: 'string', default: 'DEMO-CP-' },
      password: { type: 'string' },
      connectors: { type: 'string' },
      sessions: { type: 'boolean', default: false },
      idtags: { type: 'string', default: demo.driver.tags.join(',') },
      'session-seconds': { type: 'string' },
      'meter-interval': { type: 'string' },
      'power-kw': { type: 'string' },
      chaos: { type: 'boolean', default: false },
      'maintenance-failures': { type: 'string' },
      'fault-drill': { type: 'string' },
      duration: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const url = values.url ?? defaultGatewayUrl();
  if (!url) {
    process.stderr.write(`simulate: OCPP_PORT: expected a port number (1 to 65535) (got "${process.env.OCPP_PORT}"); or give --url\n`);
    process.exit(2);
  }
  const stations = Math.round(number('stations', values.stations, demo.stations.length, 1));
  const duration = number('duration', values.duration, 0);
  const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const fleet = new Fleet({
    url,
    stations,
    prefix: values.prefix,
    password: values.password,
    connectors: Math.round(number('connectors', values.connectors, 2, 1)),
    meterIntervalMs: number('meter-interval', values['meter-interval'], 10, 0.05) * 1000,
    powerW: number('power-kw', values['power-kw'], 11, 0.1) * 1000,
    sessions: values.sessions,
    idTags: values.idtags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    sessionMs: number('session-seconds', values['session-seconds'], 60, 1) * 1000,
    chaos: values.chaos,
    maintenanceFailureRate: Math.min(1, number('maintenance-failures', values['maintenance-failures'], 0.1)),
    faultDrill: drillOption(values['fault-drill']),
    log: values.quiet ? () => {} : say,
  });

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) process.exit(1); // a second Ctrl-C: now
    stopping = true;
    say(`${why}: ending sessions and disconnecting`);
    clearInterval(reporter);
    await fleet.stop();
    say(fleet.summary());
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  say(`starting ${stations} simulated charger(s) against ${url}`);
  const up = await fleet.start();
  say(`${up}/${stations} charger(s) booted${values.sessions ? ', sessions on' : ''}${values.chaos ? ', chaos on' : ''}`);
  if (up === 0) say('none came up: is the gateway running (npm start), and do the identities and passwords match?');
  const reporter = setInterval(() => say(fleet.summary()), 10_000);
  if (duration > 0) setTimeout(() => void stop('duration reached'), duration * 1000);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulate: ${(error as Error).message}\n`);
  process.exit(1);
});
