import { checkConnectorId, defineHandler } from '../define.js';

/** A connector (or, as connector 0, the station) changed status or reported an error. */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'StatusNotification',
  async handle({ request, station, deps, receivedAt }) {
    checkConnectorId(request.connectorId);
    await deps.stations.recordStatus(station.station, request, receivedAt);
    return {};
  },
});
