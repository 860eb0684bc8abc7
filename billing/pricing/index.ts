export { type EstimateInput, estimatePrice, estimatedTimeline } from './estimate.js';
export { priceSession } from './price-session.js';
export { type TariffIssue, type TariffValidation, validateTariff } from './validate.js';
