import { createRequire } from 'node:module';
import type { OcppVersion } from './errors.js';

const require = createRequire(import.meta.url);

/** One JSON schema of an OCPP message, as ocpp-rpc ships it (`$id` is `urn:Action.req` or `urn:Action.conf`). */
export interface MessageSchema {
  $id: string;
  [keyword: string]: unknown;
}

/** The schema sets we run with: the ones the maintained `ocpp-rpc` package ships. */
const schemaFiles: Record<OcppVersion, string> = {
  'ocpp1.6': 'ocpp-rpc/lib/schemas/ocpp1_6.json',
  'ocpp2.0.1': 'ocpp-rpc/lib/schemas/ocpp2_0_1.json',
};

type Node = Record<string, unknown> & { properties: Record<string, Node>; items: Node; enum: string[] };

/**
 * Where ocpp-rpc's copy differs from the text the Open Charge Alliance publishes, put back the OCA's rule.
 * 1.6 MeterValues: the unit "Hertz" is allowed, and meterValue and sampledValue hold at least one entry.
 */
const corrections: Record<OcppVersion, Record<string, (schema: Node) => void>> = {
  'ocpp1.6': {
    'urn:MeterValues.req': (schema) => {
      const meterValue = schema.properties.meterValue as Node;
      const sampledValue = meterValue.items.properties.sampledValue as Node;
      const unit = sampledValue.items.properties.unit as Node;
      if (!unit.enum.includes('Hertz')) unit.enum.push('Hertz');
      meterValue.minItems = 1;
      sampledValue.minItems = 1;
    },
  },
  'ocpp2.0.1': {},
};

/** A version's message schemas: ocpp-rpc's, with the corrections above applied to a copy. */
export function loadSchemas(version: OcppVersion): MessageSchema[] {
  const shipped = require(schemaFiles[version]) as MessageSchema[];
  return shipped.map((schema) => {
    const correct = corrections[version][schema.$id];
    if (!correct) return schema;
    const copy = structuredClone(schema);
    correct(copy as unknown as Node);
    return copy;
  });
}
