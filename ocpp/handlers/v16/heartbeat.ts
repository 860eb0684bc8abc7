import { defineHandler } from '../define.js';

/** Keeps the station's clock in sync; presence itself comes from every frame and from pings. */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'Heartbeat',
  allowedBeforeAcceptance: true,
  handle() {
    return { currentTime: new Date().toISOString() };
  },
});
