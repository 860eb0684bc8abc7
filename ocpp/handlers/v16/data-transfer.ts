import { defineHandler } from '../define.js';

/** Vendor-specific messages: routed to a registered vendor handler, or refused as the spec says. */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'DataTransfer',
  async handle({ request, station, deps }) {
    const handler = deps.vendors.find(request.vendorId, request.messageId);
    if (handler) return handler(request, { station, deps });
    return { status: deps.vendors.hasVendor(request.vendorId) ? 'UnknownMessageId' : 'UnknownVendorId' };
  },
});
