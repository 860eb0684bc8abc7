// The incidents bench/alerts.ts asks the load generator (bench/ocpp-load.ts) to play on its connections: a
// connector that faults and comes back, a station that drops off and reconnects, a station that boots over
// and over. Each incident reports when its condition began and ended as the charger saw it (epoch ms).
import type { OcppClient } from '../simulator/rpc.js';

export type IncidentKind = 'fault' | 'offline' | 'boot-loop';

export interface Incident {
  /** Index of the connection that plays it. */
  station: number;
  kind: IncidentKind;
  /** When it starts, in ms after the request arrives. */
  atMs: number;
}

export interface IncidentsRequest {
  type: 'incidents';
  incidents: Incident[];
  /** How long a connector stays Faulted. */
  faultSeconds: number;
  /** How long a station stays away before it reconnects (without a BootNotification, as chargers may). */
  offlineSeconds: number;
  /** BootNotifications a boot-looping station sends, `bootGapMs` apart. */
  boots: number;
  bootGapMs: number;
}

export interface IncidentTiming {
  identity: string;
  kind: IncidentKind;
  /** fault: the Faulted status sent; offline: the socket closed; boot-loop: the first boot sent. */
  startedAt: number;
  /** fault: the Available status sent; offline: the reconnect began; boot-loop: the last boot sent. */
  clearedAt: number;
  /** boot-loop: when each BootNotification was sent. */
  bootsAt?: number[];
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function status(client: OcppClient, status: 'Faulted' | 'Available') {
  return client.call('StatusNotification', {
    connectorId: 1,
    status,
    errorCode: status === 'Faulted' ? 'GroundFailure' : 'NoError',
    ...(status === 'Faulted' ? { vendorErrorCode: 'BENCH-GF' } : {}),
    timestamp: new Date().toISOString(),
  });
}

async function play(client: OcppClient, incident: Incident, request: IncidentsRequest): Promise<IncidentTiming> {
  const timing: IncidentTiming = { identity: client.options.identity, kind: incident.kind, startedAt: Date.now(), clearedAt: 0 };
  if (incident.kind === 'fault') {
    await status(client, 'Faulted');
    await sleep(request.faultSeconds * 1000);
    timing.clearedAt = Date.now();
    await status(client, 'Available');
  } else if (incident.kind === 'offline') {
    await client.close();
    timing.startedAt = Date.now();
    await sleep(request.offlineSeconds * 1000);
    timing.clearedAt = Date.now();
    await client.connect(60_000);
  } else {
    timing.bootsAt = [];
    for (let boot = 0; boot < request.boots; boot++) {
      if (boot > 0) await sleep(request.bootGapMs);
      timing.bootsAt.push(Date.now());
      await client.call('BootNotification', {
        chargePointVendor: 'evcms-bench',
        chargePointModel: 'Load',
        chargePointSerialNumber: client.options.identity,
      });
    }
    timing.startedAt = timing.bootsAt[0] ?? timing.startedAt;
    timing.clearedAt = timing.bootsAt.at(-1) ?? timing.startedAt;
  }
  return timing;
}

/** Plays every incident at its time on its connection; resolves once the last has cleared. */
export async function playIncidents(clients: OcppClient[], request: IncidentsRequest): Promise<IncidentTiming[]> {
  const began = Date.now();
  return Promise.all(
    request.incidents.map(async (incident) => {
      const client = clients[incident.station];
      if (!client) throw new Error(`no connection ${incident.station}`);
      await sleep(Math.max(0, began + incident.atMs - Date.now()));
      return play(client, incident, request).catch(
        (error: Error): IncidentTiming => ({
          identity: client.options.identity,
          kind: incident.kind,
          startedAt: 0,
          clearedAt: 0,
          error: error.message,
        }),
      );
    }),
  );
}
