import { checkConnectorId, defineHandler } from '../define.js';

/**
 * A connector (or, as connector 0, the station) changed status or reported an error. Available on a connector
 * with a session still open there closes it for want of its stop (sessions/lost-stops.ts).
 */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'StatusNotification',
  async handle({ request, station, deps, receivedAt }) {
    checkConnectorId(request.connectorId);
    await deps.stations.recordStatus(station.station, request, receivedAt);
    await deps.sessions.closeOnConnectorFree(station.station.id, request, receivedAt);
    return {};
  },
});
