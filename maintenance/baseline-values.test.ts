import { describe, expect, it } from 'vitest';
import { checkBaseline, sameValue } from './baseline-values.js';

describe('a baseline value', () => {
  it.each([
    ['300', '300', true],
    ['300', ' 300 ', true],
    ['300', '900', false],
    ['300', null, false],
    ['true', 'True', true],
    ['false', 'TRUE', false],
    ['Energy.Active.Import.Register,Power.Active.Import', 'Energy.Active.Import.Register, Power.Active.Import', true],
    ['Energy.Active.Import.Register,Power.Active.Import', 'Power.Active.Import,Energy.Active.Import.Register', false],
    ['Energy.Active.Import.Register', 'Energy.Active.Import.Register,SoC', false],
    ['abc', 'ABC', false],
  ])('wanted %j, reported %j: the same is %s', (wanted, reported, same) => {
    expect(sameValue(wanted, reported)).toBe(same);
  });
});

describe('a baseline', () => {
  const keys = [{ key: 'HeartbeatInterval', value: '300' }];
  it('is kept trimmed, keys in their order', () => {
    expect(checkBaseline({ model: ' Volt 22 ', keys: [...keys, { key: ' ConnectionTimeOut ', value: '45' }], maxPowerW: 22_000 })).toEqual({
      model: 'Volt 22',
      keys: { HeartbeatInterval: '300', ConnectionTimeOut: '45' },
      maxPowerW: 22_000,
    });
  });

  it.each([
    [{ model: '', keys }, /^model: /],
    [{ model: 'M'.repeat(21), keys }, /^model: /],
    [{ model: 'M', keys: [{ key: '', value: '1' }] }, /^keys\.0\.key: /],
    [{ model: 'M', keys: [...keys, { key: 'heartbeatinterval', value: '1' }] }, /^keys\.1\.key: heartbeatinterval is given twice/],
    [{ model: 'M', keys: [{ key: 'AuthorizationKey', value: '00' }] }, /^keys\.0\.key: AuthorizationKey is not set by a baseline/],
    [{ model: 'M', keys: [{ key: 'K', value: 'x'.repeat(501) }] }, /^keys\.0\.value: /],
    [{ model: 'M', keys, maxPowerW: 50 }, /^maxPowerW: /],
    [{ model: 'M', keys, maxPowerW: 1.5 }, /^maxPowerW: /],
  ])('is refused, naming the field: %j', (input, message) => {
    expect(() => checkBaseline(input)).toThrow(message);
  });
});
