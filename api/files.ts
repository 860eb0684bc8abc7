import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Principal } from '../auth/principal.js';
import { UploadRefusal } from '../maintenance/diagnostics.js';
import { FirmwareInputError } from '../maintenance/firmware-images.js';
import { StorageRefusal } from '../maintenance/storage.js';
import { sendJson } from '../platform/http.js';
import { type ApiDeps, authenticate } from './context.js';
import { ApiError } from './errors.js';
import { firstFilePart } from './multipart.js';
import { readBodyBytes } from './file-body.js';
import { serveStored } from './file-download.js';
import { isUuid } from './ids.js';

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const refuse = (req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) => {
  if (!req.complete) res.setHeader('connection', 'close');
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
  req.resume();
};

const codes: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
};
const fail = (req: IncomingMessage, res: ServerResponse, status: number, message: string) =>
  refuse(req, res, status, codes[status] ?? 'ERROR', message);

const uploadPath = /^\/files\/diagnostics\/([^/]+)\/([A-Za-z0-9_-]{16,64})(?:\/([^/]*))?$/;
const diagnosticsDownload = /^\/files\/diagnostics-download\/([0-9a-f-]{36})$/;
const firmwareDownload = /^\/files\/firmware\/([0-9a-f-]{36})\/[^/]+$/;

/** PUT or POST (raw, or multipart/form-data) of a station's diagnostics or log file to its one-time location. */
async function receiveDiagnostics(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, deps: ApiDeps) {
  if (req.method !== 'PUT' && req.method !== 'POST') return fail(req, res, 405, 'diagnostics are uploaded with PUT or POST');
  const [, identity, token, name] = match as unknown as [string, string, string, string | undefined];
  const max = deps.config.DIAGNOSTICS_MAX_BYTES;
  if (Number(req.headers['content-length'] ?? 0) > max * 2) return fail(req, res, 413, `the file is larger than ${max} bytes`);
  let fileName = name ? decodeURIComponent(name) : null;
  let body: Readable = req;
  const type = header(req.headers['content-type']) ?? '';
  if (type.toLowerCase().startsWith('multipart/form-data')) {
    const bytes = await readBodyBytes(req, max + 64 * 1024);
    if (!bytes) return fail(req, res, 413, `the file is larger than ${max} bytes`);
    const part = firstFilePart(bytes, type);
    if (!part) return fail(req, res, 400, 'the multipart body holds no file');
    fileName = part.fileName ?? fileName;
    body = Readable.from([part.data]);
  }
  try {
    const request = await deps.maintenance.diagnostics.upload(decodeURIComponent(identity), token, fileName, body);
    sendJson(res, 201, { id: request.id, fileName: request.fileName, size: request.size, sha256: request.sha256 });
  } catch (error) {
    if (error instanceof UploadRefusal) return fail(req, res, error.status, error.message);
    throw error;
  }
}

/**
 * POST /files/firmware?version=&models=a,b&fileName=&sha256=[&organisationId=][&signingCertificate=&signature=]: an
 * operator's image, streamed into storage; a signed one (PEM certificate, base64 signature) is verified as it streams.
 */
async function receiveFirmware(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps) {
  if (req.method !== 'POST') return fail(req, res, 405, 'firmware images are uploaded with POST');
  let principal: Principal | null;
  try {
    principal = await authenticate(deps, header(req.headers.authorization), header(req.headers['x-api-key']));
  } catch (error) {
    if (error instanceof ApiError) return fail(req, res, 401, error.message);
    throw error;
  }
  if (!principal) return fail(req, res, 401, 'sign in (Authorization: Bearer <token>) to upload firmware');
  if (principal.kind === 'apiKey' || (principal.role !== 'ADMIN' && principal.role !== 'OPERATOR'))
    return fail(req, res, 403, 'only staff upload firmware');
  const query = url.searchParams;
  const asked = query.get('organisationId');
  const organisationId = principal.role === 'ADMIN' ? asked : principal.organisationId;
  if (principal.role === 'OPERATOR' && asked && asked !== organisationId) return fail(req, res, 404, `organisation ${asked} not found`);
  if (organisationId && !isUuid(organisationId)) return fail(req, res, 400, 'organisationId: expected an id');
  const max = deps.config.FIRMWARE_MAX_BYTES;
  if (Number(req.headers['content-length'] ?? 0) > max) return fail(req, res, 413, `the image is larger than ${max} bytes`);
  try {
    const image = await deps.maintenance.firmware.upload(
      {
        organisationId: organisationId ?? null,
        version: query.get('version') ?? '',
        models: (query.get('models') ?? '')
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean),
        fileName: query.get('fileName') ?? '',
        sha256: query.get('sha256'),
        signingCertificate: query.get('signingCertificate'),
        signature: query.get('signature'),
        uploadedBy: principal.id,
      },
      req,
    );
    sendJson(res, 201, {
      id: image.id,
      version: image.version,
      models: image.models,
      fileName: image.fileName,
      size: image.size,
      sha256: image.sha256,
      signed: image.signature !== null,
    });
  } catch (error) {
    if (error instanceof FirmwareInputError) return fail(req, res, 400, error.message);
    if (error instanceof StorageRefusal) return fail(req, res, error.reason === 'too-large' ? 413 : 400, error.message);
    throw error;
  }
}

/** A file of the maintenance store through a signed link: a diagnostics file (staff's link) or a firmware image (the station's). */
async function download(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps, kind: 'diagnostics' | 'firmware', id: string) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(req, res, 405, 'files are read with GET or HEAD');
  const check = deps.maintenance.links.check(kind, id, url.searchParams);
  if (check !== 'valid') return fail(req, res, 401, check === 'expired' ? 'the link has expired' : 'the link is not valid');
  const file = kind === 'firmware' ? await deps.maintenance.firmware.find(id) : await deps.maintenance.diagnostics.find(id);
  const key = file?.storageKey;
  if (!file || !key || !file.fileName) return fail(req, res, 404, `${kind} file ${id} not found`);
  // A firmware image names its version, as the image itself would to the station that installs it.
  const headers: Record<string, string> = 'version' in file ? { 'x-firmware-version': file.version } : {};
  await serveStored(req, res, { store: deps.maintenance.store, key, fileName: file.fileName, headers });
}

/** The maintenance files under /files/: uploads from stations and operators, downloads by signed link. False for other paths. */
export async function serveFiles(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps): Promise<boolean> {
  const path = url.pathname;
  const upload = uploadPath.exec(path);
  if (upload) return receiveDiagnostics(req, res, upload, deps).then(() => true);
  if (path === '/files/firmware') return receiveFirmware(req, res, url, deps).then(() => true);
  const diagnostics = diagnosticsDownload.exec(path);
  if (diagnostics) return download(req, res, url, deps, 'diagnostics', diagnostics[1] as string).then(() => true);
  const firmware = firmwareDownload.exec(path);
  if (firmware) return download(req, res, url, deps, 'firmware', firmware[1] as string).then(() => true);
  return false;
}
