import { describe, expect, it } from 'vitest';
import { defaultGatewayUrl } from './endpoint.js';

describe('the simulator’s default gateway', () => {
  it('dials the port evcms listens on: OCPP_PORT, else 8180', () => {
    expect(defaultGatewayUrl({})).toBe('ws://127.0.0.1:8180/ocpp');
    expect(defaultGatewayUrl({ OCPP_PORT: '9000' })).toBe('ws://127.0.0.1:9000/ocpp');
  });

  it('refuses an OCPP_PORT that is no port', () => {
    expect(defaultGatewayUrl({ OCPP_PORT: 'abc' })).toBeNull();
    expect(defaultGatewayUrl({ OCPP_PORT: '70000' })).toBeNull();
    expect(defaultGatewayUrl({ OCPP_PORT: '0' })).toBeNull();
  });
});
