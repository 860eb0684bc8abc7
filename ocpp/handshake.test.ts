import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { basicCredentials, identityFromPath, pickSubprotocol } from './handshake.js';

const withAuthorization = (authorization: string | undefined) => ({ headers: { authorization } }) as unknown as IncomingMessage;
const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('identityFromPath', () => {
  it('reads the identity after /ocpp/', () => {
    expect(identityFromPath('/ocpp/CP001')).toBe('CP001');
  });

  it('percent-decodes the identity', () => {
    expect(identityFromPath('/ocpp/CP%20001')).toBe('CP 001');
    expect(identityFromPath('/ocpp/%C3%A9tienne')).toBe('étienne');
  });

  it('leaves out the query string', () => {
    expect(identityFromPath('/ocpp/CP001?token=abc')).toBe('CP001');
  });

  it('refuses a path without an identity', () => {
    expect(identityFromPath('/ocpp/')).toBeNull();
    expect(identityFromPath('/ocpp')).toBeNull();
    expect(identityFromPath(undefined)).toBeNull();
    expect(identityFromPath('/ocpp/?x=1')).toBeNull();
  });

  it('refuses an identity holding a control character, NUL included', () => {
    expect(identityFromPath('/ocpp/CP%00X')).toBeNull();
    expect(identityFromPath('/ocpp/CP%0A001')).toBeNull();
    expect(identityFromPath('/ocpp/CP%7F')).toBeNull();
    expect(identityFromPath('/ocpp/CP%C2%85')).toBeNull();
    expect(identityFromPath('/ocpp/%ED%A0%80')).toBeNull();
  });

  it('refuses a path outside the endpoint', () => {
    expect(identityFromPath('/other/CP001')).toBeNull();
    expect(identityFromPath('/CP001')).toBeNull();
  });

  it('refuses a nested path', () => {
    expect(identityFromPath('/ocpp/site/CP001')).toBeNull();
    expect(identityFromPath('/ocpp/CP001/')).toBeNull();
  });

  it('takes 48 characters and refuses 49', () => {
    expect(identityFromPath(`/ocpp/${'a'.repeat(48)}`)).toBe('a'.repeat(48));
    expect(identityFromPath(`/ocpp/${'a'.repeat(49)}`)).toBeNull();
  });

  it('counts the decoded characters, not the encoded ones', () => {
    expect(identityFromPath(`/ocpp/${'%41'.repeat(48)}`)).toBe('A'.repeat(48));
  });

  it('refuses bad percent-encoding', () => {
    expect(identityFromPath('/ocpp/CP%2')).toBeNull();
    expect(identityFromPath('/ocpp/CP%ZZ')).toBeNull();
    expect(identityFromPath('/ocpp/%C3')).toBeNull();
  });

  it('honours another base path', () => {
    expect(identityFromPath('/ws/CP001', '/ws/')).toBe('CP001');
    expect(identityFromPath('/ocpp/CP001', '/ws/')).toBeNull();
  });
});

describe('pickSubprotocol', () => {
  it('picks ocpp1.6 when offered alone', () => {
    expect(pickSubprotocol('ocpp1.6', ['ocpp1.6'])).toBe('ocpp1.6');
  });

  it('picks ocpp1.6 among other offers, whatever the spacing', () => {
    expect(pickSubprotocol('foo, ocpp2.0.1,ocpp1.6', ['ocpp1.6'])).toBe('ocpp1.6');
  });

  it('follows our order of preference, not the station’s', () => {
    expect(pickSubprotocol('ocpp1.6, ocpp2.0.1', ['ocpp2.0.1', 'ocpp1.6'])).toBe('ocpp2.0.1');
    expect(pickSubprotocol('ocpp2.0.1, ocpp1.6', ['ocpp1.6', 'ocpp2.0.1'])).toBe('ocpp1.6');
  });

  it('returns null when nothing we speak is offered', () => {
    expect(pickSubprotocol('ocpp2.0.1', ['ocpp1.6'])).toBeNull();
    expect(pickSubprotocol('foo', ['ocpp1.6'])).toBeNull();
    expect(pickSubprotocol('ocpp1.6x, xocpp1.6', ['ocpp1.6'])).toBeNull();
  });

  it('returns null when nothing is offered', () => {
    expect(pickSubprotocol(undefined, ['ocpp1.6'])).toBeNull();
    expect(pickSubprotocol('', ['ocpp1.6'])).toBeNull();
    expect(pickSubprotocol(' , ', ['ocpp1.6'])).toBeNull();
  });
});

describe('basicCredentials', () => {
  it('reads the user and the password', () => {
    expect(basicCredentials(withAuthorization(basic('CP001:secret-password')))).toEqual({ username: 'CP001', password: 'secret-password' });
  });

  it('keeps colons in the password', () => {
    expect(basicCredentials(withAuthorization(basic('CP001:a:b:c')))).toEqual({ username: 'CP001', password: 'a:b:c' });
  });

  it('takes the scheme in any case', () => {
    expect(basicCredentials(withAuthorization(`BASIC ${Buffer.from('CP001:pw').toString('base64')}`))?.password).toBe('pw');
  });

  it('reads an empty password as empty', () => {
    expect(basicCredentials(withAuthorization(basic('CP001:')))).toEqual({ username: 'CP001', password: '' });
  });

  it('returns null without a header, for another scheme, or without a colon', () => {
    expect(basicCredentials(withAuthorization(undefined))).toBeNull();
    expect(basicCredentials(withAuthorization('Bearer abc'))).toBeNull();
    expect(basicCredentials(withAuthorization(basic('CP001')))).toBeNull();
  });
});
