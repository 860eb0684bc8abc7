import type { Readable } from 'node:stream';
import type { StationCommands } from '../commands/station-commands.js';
import type { Orm } from '../database/orm.js';
import type { Logger } from '../platform/logger.js';
import { DiagnosticsRequest, type DiagnosticsState, Organisation, Station } from '../schema/entities/index.js';
import type { FileStore } from './storage.js';
import { StorageRefusal } from './storage.js';
import { newUploadToken, safeFileName, tokenHash } from './upload-tokens.js';

/** Why an upload was refused; nothing of it was stored. */
export class UploadRefusal extends Error {
  constructor(
    readonly status: 401 | 403 | 409 | 410 | 413,
    message: string,
  ) {
    super(message);
  }
}

export interface DiagnosticsSettings {
  maxBytes: number;
  retentionDays: number;
  uploadMinutes: number;
  /** The API's public address: `${httpBase}/files/diagnostics/<identity>/<token>/`. */
  httpBase: string;
  /** `ftp://host:port`, when FTP uploads are on. */
  ftpBase: string | null;
}

export type UploadTransport = 'http' | 'ftp';

export interface DiagnosticsRequestInput {
  station: Pick<Station, 'id' | 'identity'> & { organisation?: { id: string } | null };
  startTime?: Date | null;
  stopTime?: Date | null;
  requestedBy: string | null;
  transport?: UploadTransport;
}

const open: DiagnosticsState[] = ['requested', 'accepted', 'uploading'];

/**
 * Diagnostics and log files asked of stations: a request gets a one-time upload location evcms serves (HTTP
 * on the API server, FTP where on), the station's status notifications move it, the file lands in the store
 * whole or not at all, and a request with no file by its deadline fails.
 */
export class DiagnosticsService {
  constructor(
    private readonly deps: { orm: Orm; store: FileStore; commands: StationCommands; log: Logger; settings: DiagnosticsSettings },
  ) {}

  private em() {
    return this.deps.orm.em.fork();
  }

  useHttpBase(httpBase: string): void {
    this.deps.settings.httpBase = httpBase;
  }

  /** FTP uploads go to this server from now on (set once the FTP server listens: its port may be chosen then). */
  useFtp(ftpBase: string): void {
    this.deps.settings.ftpBase = ftpBase;
  }

  /** Where the station uploads: a directory URL with the identity and the token in it. */
  location(identity: string, token: string, transport: UploadTransport): string {
    const { httpBase, ftpBase } = this.deps.settings;
    const station = encodeURIComponent(identity);
    if (transport === 'ftp' && ftpBase) return `${ftpBase.replace('ftp://', `ftp://${token}:upload@`)}/${station}/`;
    return `${httpBase}/files/diagnostics/${station}/${token}/`;
  }

  /** Records a request and its token; `send` asks the station with the location. */
  private async create(input: DiagnosticsRequestInput, kind: string, logRequestId: number | null) {
    const token = newUploadToken();
    const now = new Date();
    const em = this.em();
    const request = em.create(DiagnosticsRequest, {
      station: em.getReference(Station, input.station.id),
      organisation: input.station.organisation ? em.getReference(Organisation, input.station.organisation.id) : null,
      kind,
      logRequestId,
      tokenHash: tokenHash(token),
      startTime: input.startTime ?? null,
      stopTime: input.stopTime ?? null,
      requestedBy: input.requestedBy,
      requestedAt: now,
      deadline: new Date(now.getTime() + this.deps.settings.uploadMinutes * 60_000),
    });
    await em.flush();
    const transport = input.transport ?? (this.deps.settings.ftpBase ? 'ftp' : 'http');
    return { request, location: this.location(input.station.identity, token, transport) };
  }

  /** GetDiagnostics with a location evcms serves; the request is accepted (with the file name the station announced) or failed. */
  async requestDiagnostics(input: DiagnosticsRequestInput): Promise<DiagnosticsRequest> {
    const { request, location } = await this.create(input, 'Diagnostics', null);
    const payload = {
      location,
      ...(input.startTime ? { startTime: input.startTime.toISOString() } : {}),
      ...(input.stopTime ? { stopTime: input.stopTime.toISOString() } : {}),
    };
    return this.sent(request, () =>
      this.deps.commands
        .send(input.station.identity, 'GetDiagnostics', payload, { actor: input.requestedBy ?? undefined })
        .then((answer) => ({ accepted: true, fileName: answer.fileName ?? null })),
    );
  }

  /** GetLog (1.6 security extension) to the same upload path. */
  async requestLog(input: DiagnosticsRequestInput & { logType: 'DiagnosticsLog' | 'SecurityLog' }): Promise<DiagnosticsRequest> {
    const requestId = 1 + Math.floor(Math.random() * 2_000_000_000);
    const { request, location } = await this.create(input, input.logType, requestId);
    const payload = {
      logType: input.logType,
      requestId,
      log: {
        remoteLocation: location,
        ...(input.startTime ? { oldestTimestamp: input.startTime.toISOString() } : {}),
        ...(input.stopTime ? { latestTimestamp: input.stopTime.toISOString() } : {}),
      },
    };
    return this.sent(request, () =>
      this.deps.commands
        .send(input.station.identity, 'GetLog', payload, { actor: input.requestedBy ?? undefined })
        .then((answer) => ({ accepted: answer.status !== 'Rejected', fileName: answer.filename ?? null })),
    );
  }

  private async sent(request: DiagnosticsRequest, ask: () => Promise<{ accepted: boolean; fileName: string | null }>) {
    let answer: { accepted: boolean; fileName: string | null };
    try {
      answer = await ask();
    } catch (error) {
      await this.move(request.id, open, { state: 'failed', reason: `the request did not reach the station: ${(error as Error).message}` });
      throw error;
    }
    const changes = answer.accepted
      ? { state: 'accepted' as const, fileName: answer.fileName }
      : { state: 'rejected' as const, reason: 'the station rejected the request' };
    await this.move(request.id, ['requested'], changes);
    return this.find(request.id) as Promise<DiagnosticsRequest>;
  }

  private async move(id: string, from: DiagnosticsState[], changes: Partial<DiagnosticsRequest>): Promise<number> {
    return this.em().nativeUpdate(DiagnosticsRequest, { id, state: { $in: from } }, changes);
  }

  find(id: string): Promise<DiagnosticsRequest | null> {
    return this.em().findOne(DiagnosticsRequest, { id });
  }

  listForStation(stationId: string, limit = 50): Promise<DiagnosticsRequest[]> {
    return this.em().find(DiagnosticsRequest, { station: stationId }, { orderBy: { requestedAt: 'desc' }, limit });
  }

  /** A DiagnosticsStatusNotification: the newest open GetDiagnostics request of the station follows it. */
  async diagnosticsStatus(stationId: string, status: string): Promise<void> {
    const em = this.em();
    const request = await em.findOne(
      DiagnosticsRequest,
      { station: stationId, kind: 'Diagnostics', state: { $in: [...open, 'uploaded'] } },
      { orderBy: { requestedAt: 'desc' } },
    );
    if (request) await this.follow(request, status === 'UploadFailed' ? 'failed' : status === 'Uploading' ? 'uploading' : null, status);
  }

  /** A LogStatusNotification: the request of that requestId follows it. */
  async logStatus(stationId: string, status: string, requestId: number | undefined): Promise<void> {
    const where = requestId === undefined ? { kind: { $ne: 'Diagnostics' } } : { logRequestId: requestId };
    const request = await this.em().findOne(DiagnosticsRequest, { station: stationId, ...where }, { orderBy: { requestedAt: 'desc' } });
    const failed = ['BadMessage', 'NotSupportedOperation', 'PermissionDenied', 'UploadFailure'].includes(status);
    if (request) await this.follow(request, failed ? 'failed' : status === 'Uploading' ? 'uploading' : null, status);
  }

  private async follow(request: DiagnosticsRequest, state: DiagnosticsState | null, status: string): Promise<void> {
    await this.move(request.id, [...open, 'uploaded'], { stationStatus: status });
    if (state === 'uploading') await this.move(request.id, ['requested', 'accepted'], { state });
    if (state === 'failed') await this.move(request.id, open, { state, reason: `the station reported ${status}` });
  }

  /**
   * Stores an upload for the token, once: the token must be this station's, unspent and before its deadline.
   * Too large: refused, nothing kept, the request failed.
   */
  async upload(identity: string, token: string, fileName: string | null, body: Readable): Promise<DiagnosticsRequest> {
    const request = await this.claim(identity, token);
    const name = safeFileName(fileName ?? request.fileName, `diagnostics-${request.id}`);
    const key = `diagnostics/${request.id}/${name}`;
    try {
      const stored = await this.deps.store.write(key, body, { maxBytes: this.deps.settings.maxBytes });
      const now = new Date();
      await this.em().nativeUpdate(
        DiagnosticsRequest,
        { id: request.id },
        {
          state: 'uploaded',
          fileName: name,
          size: stored.size,
          sha256: stored.sha256,
          storageKey: key,
          uploadedAt: now,
          keepUntil: new Date(now.getTime() + this.deps.settings.retentionDays * 86_400_000),
        },
      );
    } catch (error) {
      const reason = error instanceof StorageRefusal ? error.message : `the upload broke off: ${(error as Error).message}`;
      await this.move(request.id, open, { state: 'failed', reason });
      if (error instanceof StorageRefusal) throw new UploadRefusal(413, error.message);
      throw error;
    }
    return (await this.find(request.id)) as DiagnosticsRequest;
  }

  /** Spends the token (atomically: of two uploads at once, one wins) or says why it opens nothing. */
  private async claim(identity: string, token: string): Promise<DiagnosticsRequest> {
    const em = this.em();
    const request = await em.findOne(DiagnosticsRequest, { tokenHash: tokenHash(token) }, { populate: ['station'] });
    if (!request) throw new UploadRefusal(401, 'the upload token is not valid');
    if (request.station.identity.toLowerCase() !== identity.toLowerCase())
      throw new UploadRefusal(403, 'the upload token is for another station');
    if (request.tokenSpentAt) throw new UploadRefusal(409, 'the upload token was used already');
    if (!open.includes(request.state) || request.deadline.getTime() <= Date.now())
      throw new UploadRefusal(410, 'the upload token has expired');
    const spent = await em.nativeUpdate(
      DiagnosticsRequest,
      { id: request.id, tokenSpentAt: null, state: { $in: open } },
      { tokenSpentAt: new Date(), state: 'uploading' },
    );
    if (spent !== 1) throw new UploadRefusal(409, 'the upload token was used already');
    return request;
  }

  /** Whether a token would open an upload now (the FTP login asks before any byte comes). */
  async checkToken(identity: string | null, token: string): Promise<boolean> {
    const request = await this.em().findOne(DiagnosticsRequest, { tokenHash: tokenHash(token) }, { populate: ['station'] });
    if (!request || request.tokenSpentAt || !open.includes(request.state) || request.deadline.getTime() <= Date.now()) return false;
    return identity === null || request.station.identity.toLowerCase() === identity.toLowerCase();
  }

  /** Requests with no file by their deadline fail; files past their retention are removed. */
  async sweep(now = new Date()): Promise<{ failed: number; removed: number }> {
    const failed = await this.em().nativeUpdate(
      DiagnosticsRequest,
      { state: { $in: open }, deadline: { $lte: now } },
      { state: 'failed', reason: 'no file arrived by the deadline' },
    );
    const old = await this.em().find(DiagnosticsRequest, { keepUntil: { $lte: now }, storageKey: { $ne: null } }, { limit: 500 });
    for (const request of old) {
      await this.deps.store.remove(request.storageKey as string);
      await this.em().nativeUpdate(
        DiagnosticsRequest,
        { id: request.id },
        { storageKey: null, reason: 'the file was removed after its retention' },
      );
    }
    return { failed, removed: old.length };
  }
}
