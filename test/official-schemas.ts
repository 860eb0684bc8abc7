import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

/** The Open Charge Alliance's own schemas, beside the repository: the yardstick, never the product's. */
const root = fileURLToPath(new URL('../../shared/ocpp-schemas/1.6/', import.meta.url));
// ajv-draft-04 is CommonJS with a default class export; require gives the class under both ESM loaders.
const Ajv04 = createRequire(import.meta.url)('ajv-draft-04') as typeof import('ajv').Ajv;
const addFormats = addFormatsModule as unknown as (ajv: InstanceType<typeof Ajv04>) => void;

const compiled = new Map<string, ValidateFunction>();
// multipleOf 0.1 to 6 digits, or 6.6 would fail on a binary floating-point remainder.
const ajv = new Ajv04({ strict: false, allErrors: true, multipleOfPrecision: 6 });
addFormats(ajv);

/** The official schema of an action's request or response, as published (its `id` or `$id` left out). */
export function officialSchema(action: string, kind: 'request' | 'response'): Record<string, unknown> {
  const file = `${root}${action}${kind === 'response' ? 'Response' : ''}.json`;
  if (!existsSync(file)) throw new Error(`no official OCPP 1.6 schema at ${file} (expected ../shared/ocpp-schemas beside the repository)`);
  const { id: _id, $id: _$id, ...body } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // The security extension's schemas (2020) are draft-06; the keywords they use (type, enum, maxLength,
  // format, required, additionalProperties) mean the same in draft-04, which checks them here.
  if (body.$schema === 'http://json-schema.org/draft-06/schema#') delete body.$schema;
  return body;
}

function schema(action: string, kind: 'request' | 'response'): ValidateFunction {
  const key = `${action}:${kind}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  const validate = ajv.compile(officialSchema(action, kind));
  compiled.set(key, validate);
  return validate;
}

/** Returns the official schema's complaints about a payload, or [] when it fits. */
export function officialViolations(action: string, kind: 'request' | 'response', payload: unknown): string[] {
  const validate = schema(action, kind);
  if (validate(payload)) return [];
  return (validate.errors ?? []).map((e) => `${action}${kind === 'response' ? 'Response' : ''}${e.instancePath} ${e.message}`);
}
