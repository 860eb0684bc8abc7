import { defineHandler } from '../define.js';

/** Progress of a diagnostics upload asked for with GetDiagnostics. */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'DiagnosticsStatusNotification',
  async handle({ request, station, deps, receivedAt }) {
    await deps.stations.recordProgress(station.station.id, 'diagnostics', request.status, receivedAt);
    await deps.maintenance.diagnostics.diagnosticsStatus(station.station.id, request.status);
    return {};
  },
});
