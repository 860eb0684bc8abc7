import { describe, expect, it } from 'vitest';
import { officialSchema } from '../../test/official-schemas.js';
import { loadSchemas } from './schemas.js';

/**
 * The rules of a schema without its names and comments, and without two keywords that change nothing in draft-04:
 * `additionalProperties` on an enum, and `additionalItems` beside an `items` schema.
 */
function rules(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rules);
  if (node === null || typeof node !== 'object') return node;
  const kept: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node).sort(([a], [b]) => a.localeCompare(b))) {
    if (['$schema', '$id', 'id', 'title', 'description', 'javaType', 'comment', '$comment'].includes(keyword)) continue;
    if (keyword === 'additionalProperties' && 'enum' in node) continue;
    if (keyword === 'additionalItems') continue;
    kept[keyword] = rules(value);
  }
  return kept;
}

describe('the OCPP 1.6 schemas the gateway runs with', () => {
  it('say what the schemas the Open Charge Alliance publishes say, message by message', () => {
    const differing: string[] = [];
    for (const schema of loadSchemas('ocpp1.6')) {
      const [, action, suffix] = /^urn:(.+)\.(req|conf)$/.exec(schema.$id) ?? [];
      const official = officialSchema(action as string, suffix === 'req' ? 'request' : 'response');
      if (JSON.stringify(rules(schema)) !== JSON.stringify(rules(official))) differing.push(schema.$id);
    }
    expect(differing).toEqual([]);
  });

  it('allow the unit Hertz in MeterValues, and want at least one meterValue and one sampledValue', () => {
    const meterValues = loadSchemas('ocpp1.6').find((s) => s.$id === 'urn:MeterValues.req');
    expect(JSON.stringify(meterValues)).toContain('"Hertz"');
    expect(meterValues).toMatchObject({
      properties: { meterValue: { minItems: 1, items: { properties: { sampledValue: { minItems: 1 } } } } },
    });
  });
});
