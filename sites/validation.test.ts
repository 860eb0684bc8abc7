import { describe, expect, it } from 'vitest';
import { isCountryCode, siteProblem } from './validation.js';

describe('site fields', () => {
  it('knows the assigned ISO 3166-1 alpha-2 codes, and no others', () => {
    expect(['RW', 'DE', 'KE', 'SS', 'XK'].map(isCountryCode)).toEqual([true, true, true, true, false]);
    expect(['UK', 'EU', 'rw', 'RWA'].some(isCountryCode)).toBe(false);
  });

  it('takes the poles and the antimeridian, and nothing beyond', () => {
    expect(siteProblem({ latitude: 90, longitude: -180 })).toBeNull();
    expect(siteProblem({ latitude: -90.0001 })?.field).toBe('latitude');
    expect(siteProblem({ longitude: 180.0001 })?.field).toBe('longitude');
    expect(siteProblem({ latitude: Number.NaN })?.field).toBe('latitude');
  });

  it('wants an IANA time zone and a name', () => {
    expect(siteProblem({ timeZone: 'Africa/Kigali' })).toBeNull();
    expect(siteProblem({ timeZone: 'CEST+2' })?.field).toBe('timeZone');
    expect(siteProblem({ name: '  ' })?.field).toBe('name');
  });
});
