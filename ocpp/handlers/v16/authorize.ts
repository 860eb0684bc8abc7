import { defineHandler } from '../define.js';

/**
 * May this credential charge here? The limit of open sessions is not applied: ConcurrentTx is "only relevant
 * for a StartTransaction.req" (OCPP 1.6), and a charger may ask Authorize for the card that stops a session,
 * or keep the answer in its Authorization Cache.
 */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'Authorize',
  async handle({ request, station, deps }) {
    const decision = await deps.authorization.check(request.idTag, {
      purpose: 'Authorize',
      stationId: station.station.id,
      countOpenSessions: false,
    });
    return { idTagInfo: decision.idTagInfo };
  },
});
