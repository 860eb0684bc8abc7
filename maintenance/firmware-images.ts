import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Orm } from '../database/orm.js';
import { FirmwareImage, Organisation } from '../schema/entities/index.js';
import { FirmwareInputError } from './firmware-errors.js';
import { checkSigning, signatureCheck } from './firmware-signing.js';
import type { LinkSigner } from './signed-link.js';
import type { FileStore } from './storage.js';
import { safeFileName } from './upload-tokens.js';

export { FirmwareInputError };

export interface FirmwareUpload {
  organisationId: string | null;
  version: string;
  models: string[];
  fileName: string;
  /** The SHA-256 the uploader expects; the upload is refused when the bytes' differ. */
  sha256?: string | null;
  /** Signed firmware (1.6 security extension): the signing key's PEM certificate and the image's signature (base64), both or neither. */
  signingCertificate?: string | null;
  signature?: string | null;
  uploadedBy: string | null;
}

function checkUpload(input: FirmwareUpload): void {
  if (!/^[\w.+-]{1,50}$/.test(input.version)) throw new FirmwareInputError('version', 'expected 1 to 50 letters, digits or . + - _');
  if (input.models.some((model) => !model.trim() || model.length > 20))
    throw new FirmwareInputError('models', 'expected model names of 1 to 20 characters');
  if (input.sha256 && !/^[0-9a-fA-F]{64}$/.test(input.sha256)) throw new FirmwareInputError('sha256', 'expected 64 hexadecimal digits');
}

/** Firmware images: streamed into the store with their SHA-256 (checked when given), listed, retired, served by signed link. */
export class FirmwareImages {
  constructor(private readonly deps: { orm: Orm; store: FileStore; links: LinkSigner; maxBytes: number; httpBase: string }) {}

  useHttpBase(httpBase: string): void {
    this.deps.httpBase = httpBase;
  }

  /**
   * Stores the image first, then its row: a refused or broken upload leaves neither. A signed image's signature
   * is verified over the bytes as they stream in, with the certificate's key.
   */
  async upload(input: FirmwareUpload, body: Readable): Promise<FirmwareImage> {
    checkUpload(input);
    const signing = checkSigning(input.signingCertificate, input.signature);
    const id = randomUUID();
    const fileName = safeFileName(input.fileName, `firmware-${input.version}.bin`);
    const key = `firmware/${id}/${fileName}`;
    const check = signing ? signatureCheck(signing) : null;
    if (check) body.on('error', (error) => check.tap.destroy(error));
    const stream = check ? body.pipe(check.tap) : body;
    const stored = await this.deps.store.write(key, stream, { maxBytes: this.deps.maxBytes, sha256: input.sha256 ?? undefined });
    if (check && !check.verified()) {
      await this.deps.store.remove(key);
      throw new FirmwareInputError('signature', "does not verify the image with the signing certificate's key (SHA-256)");
    }
    const em = this.deps.orm.em.fork();
    const image = em.create(FirmwareImage, {
      id,
      organisation: input.organisationId ? em.getReference(Organisation, input.organisationId) : null,
      version: input.version,
      models: input.models,
      fileName,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: key,
      signingCertificate: signing?.signingCertificate ?? null,
      signature: signing?.signature ?? null,
      uploadedBy: input.uploadedBy,
      uploadedAt: new Date(),
    });
    try {
      await em.flush();
    } catch (error) {
      await this.deps.store.remove(key);
      throw error;
    }
    return image;
  }

  find(id: string): Promise<FirmwareImage | null> {
    return this.deps.orm.em.fork().findOne(FirmwareImage, { id });
  }

  /** An organisation's images and the shared ones (no organisation); every image for undefined (admins). */
  list(organisationId: string | undefined, options: { retired?: boolean } = {}): Promise<FirmwareImage[]> {
    const where = {
      ...(organisationId === undefined ? {} : { organisation: { $in: [organisationId, null] } }),
      ...(options.retired ? {} : { retiredAt: null }),
    };
    return this.deps.orm.em.fork().find(FirmwareImage, where as never, { orderBy: { uploadedAt: 'desc' } });
  }

  async retire(id: string): Promise<FirmwareImage> {
    const em = this.deps.orm.em.fork();
    const image = await em.findOneOrFail(FirmwareImage, { id });
    image.retiredAt ??= new Date();
    await em.flush();
    return image;
  }

  /** The URL a station downloads the image from, working until `expires`. */
  downloadUrl(image: Pick<FirmwareImage, 'id' | 'fileName'>, expires: Date): string {
    return `${this.deps.httpBase}/files/firmware/${image.id}/${encodeURIComponent(image.fileName)}?${this.deps.links.sign('firmware', image.id, expires)}`;
  }
}
