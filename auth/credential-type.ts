import type { CredentialType, IdTokenType } from '../schema/entities/index.js';

const byTokenType: Record<IdTokenType, CredentialType> = {
  RFID: 'ISO14443',
  APP: 'Central',
  CENTRAL: 'Central',
  EMAID: 'eMAID',
  KEY_CODE: 'KeyCode',
};

/**
 * How a credential was presented, as 2.0.1's IdToken types it. An OCPP 1.6 idTag is a bare value: a
 * registered one takes its credential's type (an RFID card's UID is an ISO 14443 one), any other is Unknown.
 */
export const credentialTypeOf = (tokenType: IdTokenType | null | undefined): CredentialType =>
  tokenType ? byTokenType[tokenType] : 'Unknown';
