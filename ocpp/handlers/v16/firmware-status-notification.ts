import { defineHandler } from '../define.js';

/** Progress of a firmware update asked for with UpdateFirmware. */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'FirmwareStatusNotification',
  async handle({ request, station, deps, receivedAt }) {
    await deps.stations.recordProgress(station.station.id, 'firmware', request.status, receivedAt);
    await deps.maintenance.campaigns.firmwareStatus(station.station.id, request.status);
    return {};
  },
});
