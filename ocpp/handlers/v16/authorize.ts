import { defineHandler } from '../define.js';

/** May this credential charge here? */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'Authorize',
  async handle({ request, station, deps }) {
    const decision = await deps.authorization.check(request.idTag, { purpose: 'Authorize', stationId: station.station.id });
    return { idTagInfo: decision.idTagInfo };
  },
});
