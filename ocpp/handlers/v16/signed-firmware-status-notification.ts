import { defineHandler } from '../define.js';

/** Progress of a signed firmware update asked for with SignedUpdateFirmware (OCPP 1.6 security extension). */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'SignedFirmwareStatusNotification',
  async handle({ request, station, deps, receivedAt }) {
    await deps.stations.recordProgress(station.station.id, 'firmware', request.status, receivedAt);
    await deps.maintenance.campaigns.signedFirmwareStatus(station.station.id, request.status, request.requestId);
    return {};
  },
});
