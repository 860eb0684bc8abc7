// Generates TypeScript types from the OCPP JSON schemas shipped by ocpp-rpc (as the gateway corrects them).
// Usage: npm run generate (writes ocpp/generated/v16.ts)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadSchemas } from '../ocpp/rpc/schemas.js';

export interface JsonSchema {
  $id?: string;
  $ref?: string;
  type?: string;
  enum?: string[];
  format?: string;
  maxLength?: number;
  minItems?: number;
  multipleOf?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  definitions?: Record<string, JsonSchema>;
}

// Who initiates each action (OCPP 1.6 spec + the security whitepaper); only the ones present in the schemas are emitted.
const chargerActions = [
  'Authorize',
  'BootNotification',
  'DataTransfer',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
  'Heartbeat',
  'MeterValues',
  'StartTransaction',
  'StatusNotification',
  'StopTransaction',
  'LogStatusNotification',
  'SecurityEventNotification',
  'SignCertificate',
  'SignedFirmwareStatusNotification',
];
const csmsActions = [
  'CancelReservation',
  'ChangeAvailability',
  'ChangeConfiguration',
  'ClearCache',
  'ClearChargingProfile',
  'DataTransfer',
  'GetCompositeSchedule',
  'GetConfiguration',
  'GetDiagnostics',
  'GetLocalListVersion',
  'RemoteStartTransaction',
  'RemoteStopTransaction',
  'ReserveNow',
  'Reset',
  'SendLocalList',
  'SetChargingProfile',
  'TriggerMessage',
  'UnlockConnector',
  'UpdateFirmware',
  'CertificateSigned',
  'DeleteCertificate',
  'ExtendedTriggerMessage',
  'GetInstalledCertificateIds',
  'GetLog',
  'InstallCertificate',
  'SignedUpdateFirmware',
];

const MAX_WIDTH = 100;

export function loadOcppSchemas(version: 'ocpp1.6'): JsonSchema[] {
  if (version !== 'ocpp1.6') throw new Error(`unsupported OCPP version ${String(version)}`);
  return loadSchemas(version) as JsonSchema[];
}

/** Splits `urn:Authorize.req` into `['Authorize', 'req']`. */
export function parseSchemaId(id: string | undefined): [action: string, kind: 'req' | 'conf'] {
  const match = /^urn:(\w+)\.(req|conf)$/.exec(id ?? '');
  if (!match?.[1] || (match[2] !== 'req' && match[2] !== 'conf')) throw new Error(`unexpected schema $id ${id}`);
  return [match[1], match[2]];
}

const quote = (value: string): string => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const propertyKey = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name));
const isEmptyObject = (schema: JsonSchema): boolean => schema.type === 'object' && Object.keys(schema.properties ?? {}).length === 0;

/** The JSDoc notes for a schema: format and simple constraints (also those of scalar array items). */
function notes(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema.format === 'date-time') out.push('ISO 8601 date-time');
  else if (schema.format) out.push(`format: ${schema.format}`);
  if (schema.maxLength !== undefined) out.push(`maxLength ${schema.maxLength}`);
  if (schema.multipleOf !== undefined) out.push(`multipleOf ${schema.multipleOf}`);
  if (schema.minItems !== undefined) out.push(`minItems ${schema.minItems}`);
  if (schema.items && schema.items.type !== 'object') out.push(...notes(schema.items).map((note) => `items: ${note}`));
  return out;
}

/** A type expression for `schema`; `indent` is the indentation of the line the expression starts on. */
function renderType(schema: JsonSchema, indent: string): string {
  if (schema.$ref) {
    const name = /^#\/definitions\/(\w+)$/.exec(schema.$ref)?.[1];
    if (!name) throw new Error(`unsupported $ref ${schema.$ref}`);
    return name;
  }
  if (schema.enum) return schema.enum.map(quote).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = schema.items ? renderType(schema.items, indent) : 'unknown';
      return schema.items?.enum ? `(${item})[]` : `${item}[]`;
    }
    case 'object':
      if (isEmptyObject(schema)) return schema.additionalProperties === false ? 'Record<string, never>' : 'Record<string, unknown>';
      return `{\n${renderProperties(schema, `${indent}  `)}${indent}}`;
    default:
      throw new Error(`unsupported schema ${JSON.stringify(schema)}`);
  }
}

/** One line per property (plus JSDoc), each ending with `;`. */
function renderProperties(schema: JsonSchema, indent: string): string {
  const required = new Set(schema.required ?? []);
  let out = '';
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const doc = notes(property);
    if (doc.length > 0) out += `${indent}/** ${doc.join('; ')} */\n`;
    const head = `${indent}${propertyKey(name)}${required.has(name) ? '' : '?'}:`;
    const type = renderType(property, indent);
    if (property.enum && head.length + type.length + 2 > MAX_WIDTH) {
      out += `${head}\n${property.enum.map((value) => `${indent}  | ${quote(value)}`).join('\n')};\n`;
    } else {
      out += `${head} ${type};\n`;
    }
  }
  return out;
}

/** `export interface Name { ... }`, or a type alias for enums and empty objects. */
function renderDeclaration(name: string, schema: JsonSchema, doc?: string): string {
  const comment = doc ? `/** ${doc} */\n` : '';
  if (schema.type === 'object' && !isEmptyObject(schema))
    return `${comment}export interface ${name} {\n${renderProperties(schema, '  ')}}\n`;
  if (schema.enum && `export type ${name} = ${renderType(schema, '')};`.length > MAX_WIDTH) {
    return `${comment}export type ${name} =\n${schema.enum.map((value) => `  | ${quote(value)}`).join('\n')};\n`;
  }
  return `${comment}export type ${name} = ${renderType(schema, '')};\n`;
}

function renderList(name: string, values: string[]): string {
  return `export const ${name} = [\n${values.map((value) => `  ${quote(value)},\n`).join('')}] as const;\n`;
}

export function renderOcppTypes(version: 'ocpp1.6'): string {
  const schemas = loadOcppSchemas(version);
  const bySchemaId = new Map<string, JsonSchema>();
  const definitions = new Map<string, JsonSchema>();
  for (const schema of schemas) {
    const [action, kind] = parseSchemaId(schema.$id);
    bySchemaId.set(`${action}.${kind}`, schema);
    for (const [name, definition] of Object.entries(schema.definitions ?? {})) {
      const seen = definitions.get(name);
      if (seen && JSON.stringify(seen) !== JSON.stringify(definition)) throw new Error(`conflicting definitions of ${name}`);
      definitions.set(name, definition);
    }
  }
  const actions = [...new Set(schemas.map((schema) => parseSchemaId(schema.$id)[0]))].sort();
  for (const action of actions) {
    if (!bySchemaId.has(`${action}.req`) || !bySchemaId.has(`${action}.conf`)) throw new Error(`${action} lacks a .req or .conf schema`);
    if (!chargerActions.includes(action) && !csmsActions.includes(action)) throw new Error(`${action} has no known direction`);
  }

  const parts = [
    "// Generated by scripts/generate-ocpp-types.ts from ocpp-rpc's OCPP 1.6 schemas. Do not edit.\n",
    ...[...definitions.keys()].sort().map((name) => renderDeclaration(name, definitions.get(name) ?? {})),
  ];
  for (const action of actions) {
    parts.push(renderDeclaration(`${action}Request`, bySchemaId.get(`${action}.req`) ?? {}, `${action}.req payload.`));
    parts.push(renderDeclaration(`${action}Response`, bySchemaId.get(`${action}.conf`) ?? {}, `${action}.conf payload.`));
  }
  parts.push(renderList('v16Actions', actions));
  const messages = actions.map((action) => `  ${action}: { request: ${action}Request; response: ${action}Response };\n`);
  parts.push(`export interface V16Messages {\n${messages.join('')}}\n`);
  parts.push('export type V16Action = keyof V16Messages;\n');
  parts.push(
    `/** Actions initiated by the charge point. */\n${renderList(
      'v16ChargerActions',
      actions.filter((action) => chargerActions.includes(action)),
    )}` + 'export type V16ChargerAction = (typeof v16ChargerActions)[number];\n',
  );
  parts.push(
    `/** Actions initiated by the central system (CSMS). */\n${renderList(
      'v16CsmsActions',
      actions.filter((action) => csmsActions.includes(action)),
    )}` + 'export type V16CsmsAction = (typeof v16CsmsActions)[number];\n',
  );
  return parts.join('\n');
}

export const v16OutputPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'ocpp', 'generated', 'v16.ts');

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(dirname(v16OutputPath), { recursive: true });
  writeFileSync(v16OutputPath, renderOcppTypes('ocpp1.6'));
  console.log(`wrote ${v16OutputPath}`);
}
