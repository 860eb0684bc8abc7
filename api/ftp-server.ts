import { posix } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { FileSystem, type FtpConnection, FtpSrv } from 'ftp-srv';
import type { DiagnosticsService } from '../maintenance/diagnostics.js';
import type { Logger } from '../platform/logger.js';

/** Where an FTP client stands: a virtual tree `/<station identity>/<file>`, written once, never listed or read. */
class UploadOnlyFs extends FileSystem {
  private dir = '/';
  constructor(
    connection: FtpConnection,
    private readonly token: string,
    private readonly diagnostics: DiagnosticsService,
  ) {
    super(connection, { root: '/', cwd: '/' });
  }

  override currentDirectory(): string {
    return this.dir;
  }

  override async chdir(path = '.'): Promise<string> {
    this.dir = posix.resolve(this.dir, path);
    return this.dir;
  }

  override async get(fileName: string) {
    const path = posix.resolve(this.dir, fileName);
    return { name: posix.basename(path) || '/', isDirectory: () => true, size: 0, mtime: new Date(), mode: 0o755 };
  }

  override async list(): Promise<unknown[]> {
    return [];
  }

  override async mkdir(path: string): Promise<string> {
    return posix.resolve(this.dir, path);
  }

  /** STOR: the bytes go to the diagnostics upload; the transfer is answered 226 only once the file is stored. */
  override write(fileName: string) {
    const path = posix.resolve(this.dir, fileName);
    const [identity = '', ...rest] = path.split('/').filter(Boolean);
    const body = new PassThrough();
    const stored = this.diagnostics.upload(decodeURIComponent(identity), this.token, rest.length ? rest.join('_') : null, body);
    stored.catch(() => {});
    const stream = new Writable({
      write: (chunk, _encoding, done) => (body.write(chunk) ? done() : body.once('drain', () => done())),
      final: (done) => {
        body.end();
        stored.then(() => done(), done);
      },
      destroy: (error, done) => {
        if (error) body.destroy(error);
        done(error);
      },
    });
    stored.catch((error: Error) => stream.destroy(error));
    return { stream, clientPath: path };
  }
}

export interface FtpUploads {
  port: number;
  close(): Promise<void>;
}

/**
 * The FTP side of diagnostics uploads (most OCPP 1.6 chargers upload by FTP): passive mode, the one-time
 * upload token as the user (any password), STOR into `/<identity>/`; nothing can be listed, read or deleted.
 */
export async function startFtpUploads(options: {
  host: string;
  port: number;
  publicHost: string;
  diagnostics: DiagnosticsService;
  log: Logger;
}): Promise<FtpUploads> {
  const server = new FtpSrv({
    url: `ftp://${options.host}:${options.port}`,
    pasv_url: options.publicHost,
    anonymous: false,
    greeting: 'evcms diagnostics uploads',
    log: options.log.child({ module: 'ftp' }),
  });
  server.on('login', ({ connection, username }, resolve, reject) => {
    options.diagnostics
      .checkToken(null, username)
      .then(
        (ok) =>
          ok
            ? resolve({ fs: new UploadOnlyFs(connection, username, options.diagnostics) })
            : reject(new Error('the upload token is not valid')),
        reject,
      );
  });
  await server.listen();
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  options.diagnostics.useFtp(`ftp://${options.publicHost}:${address.port}`);
  return {
    port: address.port,
    close: async () => {
      await server.close();
    },
  };
}
