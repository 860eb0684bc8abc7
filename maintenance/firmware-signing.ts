import { type KeyObject, type Verify, X509Certificate, constants, createVerify } from 'node:crypto';
import { Transform } from 'node:stream';
import { FirmwareInputError } from './firmware-errors.js';

/** What the 1.6 security extension's SignedUpdateFirmware carries with an image (FirmwareType). */
export interface FirmwareSigning {
  /** PEM, at most 5,500 characters. */
  signingCertificate: string;
  /** Base64, at most 800 characters. */
  signature: string;
}

/**
 * Checks a signing certificate and signature given with an upload: both or neither, the certificate a PEM X.509
 * certificate, the signature base64, each within the schema's length. Resolves to null when neither is given.
 */
export function checkSigning(
  certificate: string | null | undefined,
  signature: string | null | undefined,
): (FirmwareSigning & { key: KeyObject }) | null {
  const pem = certificate?.trim() || null;
  const sig = signature?.trim() || null;
  if (!pem && !sig) return null;
  if (!pem) throw new FirmwareInputError('signingCertificate', 'expected with a signature: the PEM certificate of the signing key');
  if (!sig) throw new FirmwareInputError('signature', 'expected with a signing certificate: the image signature, base64');
  if (pem.length > 5500) throw new FirmwareInputError('signingCertificate', 'expected at most 5500 characters');
  if (sig.length > 800 || !/^[A-Za-z0-9+/]+={0,2}$/.test(sig))
    throw new FirmwareInputError('signature', 'expected base64 of at most 800 characters');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch {
    throw new FirmwareInputError('signingCertificate', 'expected a PEM X.509 certificate');
  }
  return { signingCertificate: pem, signature: sig, key: x509.publicKey };
}

/**
 * Verifies the signature over the bytes that pass through `tap`, with SHA-256 and the certificate's key: RSA
 * (PKCS #1 v1.5 or PSS) or ECDSA (DER or IEEE P1363), whichever the signer used. `verified()` once they have passed.
 */
export function signatureCheck(signing: FirmwareSigning & { key: KeyObject }): { tap: Transform; verified: () => boolean } {
  const rsa = signing.key.asymmetricKeyType === 'rsa' || signing.key.asymmetricKeyType === 'rsa-pss';
  const variants = rsa
    ? [{ key: signing.key }, { key: signing.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }]
    : [
        { key: signing.key, dsaEncoding: 'der' as const },
        { key: signing.key, dsaEncoding: 'ieee-p1363' as const },
      ];
  const verifiers: Verify[] = variants.map(() => createVerify('sha256'));
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (const verifier of verifiers) verifier.update(chunk);
      done(null, chunk);
    },
  });
  const signature = Buffer.from(signing.signature, 'base64');
  return {
    tap,
    verified: () =>
      variants.some((variant, i) => {
        try {
          return (verifiers[i] as Verify).verify(variant, signature);
        } catch {
          return false;
        }
      }),
  };
}
