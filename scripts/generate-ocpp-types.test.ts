import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { v16Actions, v16ChargerActions, v16CsmsActions } from '../ocpp/generated/v16.js';
import { loadOcppSchemas, parseSchemaId, renderOcppTypes, v16OutputPath } from './generate-ocpp-types.js';

describe('generated OCPP types', () => {
  it('ocpp/generated/v16.ts is what the generator writes today', () => {
    const onDisk = readFileSync(v16OutputPath, 'utf8');
    expect(onDisk, 'ocpp/generated/v16.ts is stale: run `npm run generate` and commit the result').toBe(renderOcppTypes('ocpp1.6'));
  });

  it('covers every action of the schema set', () => {
    const actions: readonly string[] = v16Actions;
    const directed: string[] = [...v16ChargerActions, ...v16CsmsActions];
    for (const schema of loadOcppSchemas('ocpp1.6')) {
      const [action] = parseSchemaId(schema.$id);
      expect(actions, `${schema.$id} is missing from v16Actions`).toContain(action);
      expect(directed, `${action} is in neither v16ChargerActions nor v16CsmsActions`).toContain(action);
    }
    expect([...actions].sort()).toEqual(actions);
  });
});
