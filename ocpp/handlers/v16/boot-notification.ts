import { defineHandler } from '../define.js';

/** A station (re)booted: record what it says it is, and answer with its registration status. */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'BootNotification',
  allowedBeforeAcceptance: true,
  async handle({ request, station, deps, receivedAt }) {
    const status = await deps.stations.recordBoot(
      station.station,
      { ...request, ocppVersion: station.version.replace(/^ocpp/, '') },
      receivedAt,
    );
    station.station = { ...station.station, registrationStatus: status };
    if (status === 'Accepted') await deps.maintenance.campaigns.booted(station.station.id, request.firmwareVersion);
    const interval = status === 'Accepted' ? deps.config.OCPP_HEARTBEAT_INTERVAL : 60;
    return { status, currentTime: new Date().toISOString(), interval: Math.round(interval) };
  },
});
