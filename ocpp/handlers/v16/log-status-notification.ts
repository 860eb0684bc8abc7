import { defineHandler } from '../define.js';

/** Progress of a log upload asked for with GetLog (OCPP 1.6 security extension): the request of that requestId follows it. */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'LogStatusNotification',
  async handle({ request, station, deps }) {
    await deps.maintenance.diagnostics.logStatus(station.station.id, request.status, request.requestId);
    return {};
  },
});
