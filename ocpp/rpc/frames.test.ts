import { describe, expect, it } from 'vitest';
import { OcppError, readWireCode, wireCode } from './errors.js';
import { CALL, CALLERROR, CALLRESULT, MAX_FRAME_DEPTH, callIdAtStart, errorFrame, parseFrame } from './frames.js';
import { deepCall } from '../../test/hostile-frames.js';

/** The refusal parseFrame returns, as [id, code spelled for the version]; fails the test on any other outcome. */
function refusal(text: string, version: 'ocpp1.6' | 'ocpp2.0.1' = 'ocpp1.6') {
  const outcome = parseFrame(text, version);
  if (outcome.ok || !('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  return [outcome.id, wireCode(version, outcome.error.code)];
}

describe('parseFrame', () => {
  it('drops U+0000 from the strings of a CALL payload, keys and nested values included', () => {
    const outcome = parseFrame(
      '[2,"m1","BootNotification",{"a\\u0000":"SN\\u0000\\u0000","b":["x\\u0000y",{"c":"\\u0000"}],"n":1}]',
      'ocpp1.6',
    );
    expect(outcome).toEqual({
      ok: true,
      frame: { type: CALL, id: 'm1', action: 'BootNotification', payload: { a: 'SN', b: ['xy', { c: '' }], n: 1 } },
    });
  });

  it('refuses a payload nested 2,100 levels with a FormationViolation under its id, without running out of stack', () => {
    expect(refusal(deepCall('m-deep', 2100))).toEqual(['m-deep', 'FormationViolation']);
    expect(refusal(deepCall('m-deep', 2100), 'ocpp2.0.1')).toEqual(['m-deep', 'FormatViolation']);
  });

  it('takes a payload exactly as deep as the limit and refuses one level more', () => {
    // The frame's array is one level; deepCall's levels start with the payload object.
    expect(parseFrame(deepCall('m1', MAX_FRAME_DEPTH - 1), 'ocpp1.6').ok).toBe(true);
    expect(refusal(deepCall('m1', MAX_FRAME_DEPTH))).toEqual(['m1', 'FormationViolation']);
  });

  it('takes a shallow payload with many brackets in its strings', () => {
    expect(parseFrame(`[2,"m1","DataTransfer",{"vendorId":"v","data":"${'[{'.repeat(100)}"}]`, 'ocpp1.6').ok).toBe(true);
  });

  it('never answers a response nested too deep', () => {
    const deep = `[3,"m1",${'{"a":'.repeat(100)}1${'}'.repeat(100)}]`;
    expect(parseFrame(deep, 'ocpp1.6')).toMatchObject({ ok: false, ignore: expect.any(String) });
  });

  it('replaces lone surrogates with U+FFFD in strings and keys and keeps surrogate pairs', () => {
    const outcome = parseFrame('[2,"m1","Authorize",{"idTag":"A\\ud800B","x\\udfff":["\\ud83d\\ude00"]}]', 'ocpp1.6');
    expect(outcome).toEqual({
      ok: true,
      frame: { type: CALL, id: 'm1', action: 'Authorize', payload: { idTag: 'A\uFFFDB', 'x\uFFFD': ['\u{1F600}'] } },
    });
  });

  it('makes the strings of a CALLRESULT and a CALLERROR storable too (a command answer is audited)', () => {
    expect(parseFrame('[3,"m1",{"status":"A\\u0000\\ud800"}]', 'ocpp1.6')).toEqual({
      ok: true,
      frame: { type: CALLRESULT, id: 'm1', payload: { status: 'A\uFFFD' } },
    });
    expect(parseFrame('[4,"m1","GenericError","x\\u0000",{"d":"\\udc00"}]', 'ocpp1.6')).toEqual({
      ok: true,
      frame: { type: CALLERROR, id: 'm1', code: 'GenericError', description: 'x', details: { d: '\uFFFD' } },
    });
  });

  it('keeps "__proto__" a plain key when it renames keys', () => {
    const outcome = parseFrame('[2,"m1","DataTransfer",{"__proto__":{"polluted":1},"k\\u0000":1}]', 'ocpp1.6');
    if (!outcome.ok || outcome.frame.type !== CALL) throw new Error('expected a CALL');
    expect(Object.getPrototypeOf(outcome.frame.payload)).toBe(Object.prototype);
    expect(Object.keys(outcome.frame.payload)).toEqual(['__proto__', 'k']);
  });

  it('reads a CALL', () => {
    expect(parseFrame('[2,"m1","Heartbeat",{}]', 'ocpp1.6')).toEqual({
      ok: true,
      frame: { type: CALL, id: 'm1', action: 'Heartbeat', payload: {} },
    });
  });

  it('answers bad JSON under id "-1" with a FormationViolation in 1.6 and an RpcFrameworkError in 2.0.1', () => {
    expect(refusal('[2,"m1","Heartbeat",{')).toEqual(['-1', 'FormationViolation']);
    expect(refusal('not json', 'ocpp2.0.1')).toEqual(['-1', 'RpcFrameworkError']);
  });

  it('answers a message that is not an array under id "-1"', () => {
    expect(refusal('{"id":"m1"}')).toEqual(['-1', 'FormationViolation']);
    expect(refusal('"hello"')).toEqual(['-1', 'FormationViolation']);
    expect(refusal('[2]')).toEqual(['-1', 'FormationViolation']);
    // A short CALL whose id can be read is answered under it.
    expect(refusal('[2,"m1"]')).toEqual(['m1', 'FormationViolation']);
  });

  it('answers under id "-1" when the id is not a string, or empty', () => {
    expect(refusal('[2,17,"Heartbeat",{}]')).toEqual(['-1', 'FormationViolation']);
    expect(refusal('[2,null,"Heartbeat",{}]')).toEqual(['-1', 'FormationViolation']);
    expect(refusal('[2,"","Heartbeat",{}]')).toEqual(['-1', 'FormationViolation']);
  });

  it('refuses an id longer than 36 characters and takes one of exactly 36', () => {
    const long = 'x'.repeat(37);
    expect(refusal(`[2,"${long}","Heartbeat",{}]`)).toEqual([long, 'FormationViolation']);
    expect(parseFrame(`[2,"${'x'.repeat(36)}","Heartbeat",{}]`, 'ocpp1.6').ok).toBe(true);
  });

  it('refuses a CALL whose action is not a string', () => {
    expect(refusal('[2,"m1",42,{}]')).toEqual(['m1', 'FormationViolation']);
    expect(refusal('[2,"m1","",{}]', 'ocpp2.0.1')).toEqual(['m1', 'RpcFrameworkError']);
  });

  it('reads a null payload as an empty one (OCPP-J 1.6 §4.2.1)', () => {
    expect(parseFrame('[2,"m1","Heartbeat",null]', 'ocpp1.6')).toEqual({
      ok: true,
      frame: { type: CALL, id: 'm1', action: 'Heartbeat', payload: {} },
    });
  });

  it('refuses a CALL whose payload is not an object, arrays included', () => {
    expect(refusal('[2,"m1","Heartbeat",[]]')).toEqual(['m1', 'FormationViolation']);
    expect(refusal('[2,"m1","Heartbeat","{}"]', 'ocpp2.0.1')).toEqual(['m1', 'FormatViolation']);
  });

  it('refuses a CALL without exactly four elements', () => {
    expect(refusal('[2,"m1","Heartbeat"]')).toEqual(['m1', 'FormationViolation']);
    expect(refusal('[2,"m1","Heartbeat",{},{}]')).toEqual(['m1', 'FormationViolation']);
  });

  it('ignores an unknown message type in 1.6 and answers MessageTypeNotSupported in 2.0.1', () => {
    const v16 = parseFrame('[5,"m1","Heartbeat",{}]', 'ocpp1.6');
    expect(v16).toMatchObject({ ok: false, ignore: expect.stringContaining('unknown message type') });
    expect(v16).not.toHaveProperty('error');
    expect(refusal('[5,"m1","Heartbeat",{}]', 'ocpp2.0.1')).toEqual(['m1', 'MessageTypeNotSupported']);
  });

  it('answers a message type that is not a number with a FormationViolation under the frame’s id', () => {
    expect(refusal('["2","m1","Heartbeat",{}]')).toEqual(['m1', 'FormationViolation']);
    expect(refusal('[null,"m1","Heartbeat",{}]')).toEqual(['m1', 'FormationViolation']);
    expect(refusal('["2",17,"Heartbeat",{}]')).toEqual(['-1', 'FormationViolation']);
    expect(refusal('["2","m1","Heartbeat",{}]', 'ocpp2.0.1')).toEqual(['m1', 'RpcFrameworkError']);
  });

  it('never answers a malformed CALLRESULT or CALLERROR, nor a short frame of an unknown type in 1.6', () => {
    for (const text of ['[3,"m1"]', '[3,17,{}]', '[4,null,"GenericError","",{}]', '[4]', '[9]']) {
      expect(parseFrame(text, 'ocpp1.6')).toMatchObject({ ok: false, ignore: expect.any(String) });
    }
    expect(refusal('[]')).toEqual(['-1', 'FormationViolation']);
    expect(refusal('[9]', 'ocpp2.0.1')).toEqual(['-1', 'RpcFrameworkError']);
  });

  it('reads a CALLRESULT and ignores one whose payload is not an object', () => {
    expect(parseFrame('[3,"m1",{"status":"Accepted"}]', 'ocpp1.6')).toEqual({
      ok: true,
      frame: { type: CALLRESULT, id: 'm1', payload: { status: 'Accepted' } },
    });
    expect(parseFrame('[3,"m1",null]', 'ocpp1.6')).toMatchObject({ ok: false, ignore: expect.any(String) });
  });

  it('reads a CALLERROR, filling in a missing description and details', () => {
    expect(parseFrame('[4,"m1","NotSupported","no",{"a":1}]', 'ocpp1.6')).toEqual({
      ok: true,
      frame: { type: CALLERROR, id: 'm1', code: 'NotSupported', description: 'no', details: { a: 1 } },
    });
    expect(parseFrame('[4,"m1","GenericError"]', 'ocpp1.6')).toEqual({
      ok: true,
      frame: { type: CALLERROR, id: 'm1', code: 'GenericError', description: '', details: {} },
    });
    expect(parseFrame('[4,"m1",7,"",{}]', 'ocpp1.6')).toMatchObject({ ok: false, ignore: expect.any(String) });
  });
});

describe('callIdAtStart', () => {
  it('reads the id of a CALL from the start of its text and nothing else', () => {
    expect(callIdAtStart(' [ 2 , "m-big" , "DataTransfer", {"data":"xxxx')).toBe('m-big');
    expect(callIdAtStart('[2,"' + 'x'.repeat(37) + '","Heartbeat",{}]')).toBeNull();
    expect(callIdAtStart('[3,"m1",{}]')).toBeNull();
    expect(callIdAtStart('[2,"a\\"b","Heartbeat",{}]')).toBeNull();
  });
});

describe('errorFrame', () => {
  it('spells the code for the version, cuts the description to 255 characters and sends {} for no details', () => {
    const error = new OcppError('OccurrenceConstraintViolation', 'd'.repeat(400));
    const [type, id, code, description, details] = JSON.parse(errorFrame('m1', error, 'ocpp1.6')) as unknown[];
    expect([type, id, code, details]).toEqual([4, 'm1', 'OccurenceConstraintViolation', {}]);
    expect(description).toHaveLength(255);
    expect(JSON.parse(errorFrame('m1', error, 'ocpp2.0.1'))[2]).toBe('OccurrenceConstraintViolation');
  });
});

describe('the error-code table', () => {
  it('spells OccurenceConstraintViolation the 1.6 way and keeps FormationViolation in 1.6', () => {
    expect(wireCode('ocpp1.6', 'OccurrenceConstraintViolation')).toBe('OccurenceConstraintViolation');
    expect(wireCode('ocpp1.6', 'FormationViolation')).toBe('FormationViolation');
  });

  it('maps the 2.0.1-only codes onto 1.6 codes', () => {
    expect(wireCode('ocpp1.6', 'RpcFrameworkError')).toBe('FormationViolation');
    expect(wireCode('ocpp1.6', 'MessageTypeNotSupported')).toBe('NotSupported');
  });

  it('spells FormatViolation and OccurrenceConstraintViolation in 2.0.1', () => {
    expect(wireCode('ocpp2.0.1', 'FormationViolation')).toBe('FormatViolation');
    expect(wireCode('ocpp2.0.1', 'OccurrenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(wireCode('ocpp2.0.1', 'RpcFrameworkError')).toBe('RpcFrameworkError');
  });

  it('reads both spellings inbound, and nothing it does not know', () => {
    expect(readWireCode('OccurenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(readWireCode('OccurrenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(readWireCode('FormatViolation')).toBe('FormationViolation');
    expect(readWireCode('FormationViolation')).toBe('FormationViolation');
    expect(readWireCode('TypeConstraintViolation')).toBe('TypeConstraintViolation');
    expect(readWireCode('Bogus')).toBeUndefined();
    expect(readWireCode('toString')).toBeUndefined();
  });
});
