import { defineHandler } from '../define.js';

/** May this credential charge here? */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'Authorize',
  async handle({ request, deps }) {
    const decision = await deps.authorization.check(request.idTag);
    return { idTagInfo: decision.idTagInfo };
  },
});
