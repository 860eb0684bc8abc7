import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { type OcppErrorCode, type OcppVersion, ocppError } from './errors.js';
import { loadSchemas } from './schemas.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The one table from a failed schema keyword to an OCPP error code. */
const codeByKeyword: Record<string, OcppErrorCode> = {
  type: 'TypeConstraintViolation',
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  additionalItems: 'OccurrenceConstraintViolation',
  additionalProperties: 'FormationViolation',
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  format: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
};

export function errorCodeFor(error: ErrorObject | undefined): OcppErrorCode {
  if (!error) return 'FormationViolation';
  if (error.keyword === 'type' && error.instancePath === '') return 'FormationViolation';
  return codeByKeyword[error.keyword] ?? 'FormationViolation';
}

/** A readable one-line description of the first schema failure: where and what. */
export function describe(error: ErrorObject | undefined): string {
  if (!error) return 'payload does not match the schema';
  const where = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : 'payload';
  if (error.keyword === 'required') return `${where}: missing required property "${String(error.params.missingProperty)}"`;
  if (error.keyword === 'additionalProperties') return `${where}: unexpected property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${where}: ${error.message ?? 'is invalid'}`;
}

/**
 * Timestamps are ISO 8601 date-times. Stations that leave out the zone are read as UTC rather than
 * refused: rejecting a StopTransaction over a missing "Z" would lose a bill (the skew is flagged later).
 */
const dateTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** A date-time as above, on a day the calendar has (no 30 February) and a time of day that exists. */
function isDateTime(text: string): boolean {
  const parts = dateTime.exec(text);
  if (!parts) return false;
  const field = (i: number) => Number(parts[i] ?? 0);
  const month = field(2);
  const day = field(3);
  const daysInMonth = new Date(Date.UTC(field(1), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  if (field(4) > 23 || field(5) > 59 || field(7) > 60) return false;
  return !Number.isNaN(Date.parse(text));
}

export interface Validator {
  readonly version: OcppVersion;
  hasAction(action: string): boolean;
  /** Throws an OcppError naming the code and the failing property; returns when the payload fits. */
  check(action: string, kind: 'request' | 'response', payload: unknown): void;
  /** The same for what evcms sends, with date-times held to RFC 3339 (seconds and a zone), as the station will check them. */
  checkOutgoing(action: string, kind: 'request' | 'response', payload: unknown): void;
}

function run(validate: ValidateFunction | undefined, action: string, payload: unknown): void {
  if (!validate) throw ocppError('NotImplemented', `unknown action ${action}`);
  if (!validate(payload)) {
    const first = validate.errors?.[0];
    throw ocppError(errorCodeFor(first), describe(first), first ? { property: first.instancePath, keyword: first.keyword } : {});
  }
}

const cache = new Map<OcppVersion, Validator>();

/** Compiles the version's schemas once per process. */
export function validatorFor(version: OcppVersion): Validator {
  const cached = cache.get(version);
  if (cached) return cached;
  const schemas = loadSchemas(version);
  // multipleOf 0.1 (charging limits) is checked to 6 digits: 6.6 / 0.1 is 65.99999999999999 in binary floating point.
  const ajv = new Ajv({ strictSchema: false, allErrors: false, multipleOfPrecision: 6 });
  addFormats(ajv);
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  // What we send is compiled on first use against ajv-formats' RFC 3339 date-time.
  const outgoingAjv = new Ajv({ strictSchema: false, allErrors: false, multipleOfPrecision: 6 });
  addFormats(outgoingAjv);
  const bodies = new Map<string, object>();
  const outgoing = new Map<string, ValidateFunction>();
  const compiled = new Map<string, ValidateFunction>();
  const actions = new Set<string>();
  for (const schema of schemas) {
    const match = /^urn:(.+)\.(req|conf)$/.exec(schema.$id);
    if (!match) continue;
    const [, action, suffix] = match as unknown as [string, string, string];
    actions.add(action);
    // The `urn:Action.req` ids are not URNs the URI library accepts; the map above is our key instead.
    const { $id: _id, ...body } = schema;
    const key = `${action}:${suffix === 'req' ? 'request' : 'response'}`;
    bodies.set(key, body);
    compiled.set(key, ajv.compile(body));
  }
  const outgoingFor = (key: string): ValidateFunction | undefined => {
    const body = bodies.get(key);
    if (!body) return undefined;
    const validate = outgoing.get(key) ?? outgoingAjv.compile(body);
    outgoing.set(key, validate);
    return validate;
  };
  const validator: Validator = {
    version,
    hasAction: (action) => actions.has(action),
    check: (action, kind, payload) => run(compiled.get(`${action}:${kind}`), action, payload),
    checkOutgoing: (action, kind, payload) => run(outgoingFor(`${action}:${kind}`), action, payload),
  };
  cache.set(version, validator);
  return validator;
}
