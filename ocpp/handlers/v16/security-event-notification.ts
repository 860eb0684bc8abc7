import { defineHandler } from '../define.js';

/**
 * A security event (OCPP 1.6 security extension: TamperDetectionActivated, InvalidFirmwareSignature,
 * StartupOfTheDevice, ...): recorded and announced. Taken before acceptance too, since a station reports
 * some of them while it boots.
 */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'SecurityEventNotification',
  allowedBeforeAcceptance: true,
  async handle({ request, station, deps, receivedAt }) {
    await deps.stations.recordSecurityEvent(station.station, request, receivedAt);
    return {};
  },
});
