import { describe, expect, it } from 'vitest';
import { OcppError } from './errors.js';
import { validatorFor } from './validator.js';

const v16 = validatorFor('ocpp1.6');

const aStatus = (overrides: Record<string, unknown> = {}) => ({ connectorId: 1, errorCode: 'NoError', status: 'Available', ...overrides });

/** The OcppError `check` throws for a StatusNotification request, or null when it passes. */
function failure(payload: unknown, action = 'StatusNotification', kind: 'request' | 'response' = 'request'): OcppError | null {
  try {
    v16.check(action, kind, payload);
    return null;
  } catch (error) {
    if (!(error instanceof OcppError)) throw error;
    return error;
  }
}

describe('the schema validator', () => {
  it('passes a payload that fits', () => {
    expect(failure(aStatus({ info: 'ok', timestamp: '2025-03-01T10:00:00Z' }))).toBeNull();
  });

  it('reports a missing required property as OccurrenceConstraintViolation, naming it', () => {
    const { status: _status, ...missing } = aStatus();
    const error = failure(missing);
    expect(error?.code).toBe('OccurrenceConstraintViolation');
    expect(error?.message).toContain('"status"');
  });

  it('reports a wrong type as TypeConstraintViolation, naming the property', () => {
    const error = failure(aStatus({ connectorId: '1' }));
    expect(error?.code).toBe('TypeConstraintViolation');
    expect(error?.details).toMatchObject({ property: '/connectorId', keyword: 'type' });
  });

  it('reports a value outside the enum as PropertyConstraintViolation, listing the allowed values', () => {
    const error = failure(aStatus({ status: 'Sleeping' }));
    expect(error?.code).toBe('PropertyConstraintViolation');
    expect(error?.message).toContain('Available');
  });

  it('reports a string over maxLength as PropertyConstraintViolation', () => {
    expect(failure(aStatus({ info: 'i'.repeat(51) }))?.code).toBe('PropertyConstraintViolation');
    expect(failure(aStatus({ info: 'i'.repeat(50) }))).toBeNull();
  });

  it('reports an extra property as FormationViolation, naming it', () => {
    const error = failure(aStatus({ colour: 'green' }));
    expect(error?.code).toBe('FormationViolation');
    expect(error?.message).toContain('"colour"');
  });

  it('reports a payload that is not an object as FormationViolation', () => {
    expect(failure('hello', 'Heartbeat')?.code).toBe('FormationViolation');
    expect(failure([], 'Heartbeat')?.code).toBe('FormationViolation');
  });

  it('accepts a date-time without a zone, or without seconds', () => {
    expect(failure(aStatus({ timestamp: '2025-03-01T10:00:00' }))).toBeNull();
    expect(failure(aStatus({ timestamp: '2025-03-01T10:00' }))).toBeNull();
    expect(failure(aStatus({ timestamp: '2025-03-01T10:00:00.123+01:00' }))).toBeNull();
  });

  it('refuses a date-time that is not one', () => {
    expect(failure(aStatus({ timestamp: 'yesterday' }))?.code).toBe('PropertyConstraintViolation');
    expect(failure(aStatus({ timestamp: '2025-13-45T10:00:00Z' }))?.code).toBe('PropertyConstraintViolation');
    expect(failure(aStatus({ timestamp: '2025-03-01' }))?.code).toBe('PropertyConstraintViolation');
  });

  it('refuses a day the calendar does not have, and a time of day that does not exist', () => {
    for (const timestamp of ['2025-02-29T10:00:00Z', '2024-02-30T10:00:00Z', '2025-04-31T10:00:00Z', '2025-03-01T24:00:00Z']) {
      expect(failure(aStatus({ timestamp }))?.code, timestamp).toBe('PropertyConstraintViolation');
    }
    expect(failure(aStatus({ timestamp: '2024-02-29T23:59:59Z' }))).toBeNull();
    expect(failure(aStatus({ timestamp: '2025-12-31T23:59:59.999+14:00' }))).toBeNull();
  });

  it('takes the unit Hertz in MeterValues, as the OCA schema does', () => {
    const frequency = { value: '50', measurand: 'Frequency', unit: 'Hertz' };
    expect(
      failure({ connectorId: 1, meterValue: [{ timestamp: '2025-03-01T10:00:00Z', sampledValue: [frequency] }] }, 'MeterValues'),
    ).toBeNull();
  });

  it('reports MeterValues without a meterValue or a sampledValue as OccurrenceConstraintViolation', () => {
    expect(failure({ connectorId: 1, meterValue: [] }, 'MeterValues')?.code).toBe('OccurrenceConstraintViolation');
    const empty = { connectorId: 1, meterValue: [{ timestamp: '2025-03-01T10:00:00Z', sampledValue: [] }] };
    expect(failure(empty, 'MeterValues')?.code).toBe('OccurrenceConstraintViolation');
  });

  it('takes charging limits that are multiples of 0.1, such as 6.6 A, and refuses 6.65 A', () => {
    const profile = (limit: number) => ({
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
      },
    });
    for (const limit of [6.6, 0.3, 11.1, 16, 31.7]) expect(failure(profile(limit), 'SetChargingProfile')).toBeNull();
    expect(failure(profile(6.65), 'SetChargingProfile')?.code).toBe('PropertyConstraintViolation');
    const schedule = {
      status: 'Accepted',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6.6 }] },
    };
    expect(failure(schedule, 'GetCompositeSchedule', 'response')).toBeNull();
  });

  it('holds what evcms sends to RFC 3339: a date-time with seconds and a zone', () => {
    const reserve = (expiryDate: string) => ({ connectorId: 1, expiryDate, idTag: 'ABC', reservationId: 1 });
    const outgoing = (payload: unknown) => {
      try {
        v16.checkOutgoing('ReserveNow', 'request', payload);
        return null;
      } catch (error) {
        return (error as OcppError).code;
      }
    };
    expect(outgoing(reserve('2025-03-01T10:00:00.123Z'))).toBeNull();
    expect(outgoing(reserve('2025-03-01T10:00:00+01:00'))).toBeNull();
    for (const date of ['2025-03-01T10:00:00', '2025-03-01T10:00Z', '2025-02-30T10:00:00Z']) {
      expect(outgoing(reserve(date)), date).toBe('PropertyConstraintViolation');
    }
    expect(failure(reserve('2025-03-01T10:00:00'), 'ReserveNow')).toBeNull();
  });

  it('checks responses with the response schema', () => {
    expect(failure({ currentTime: '2025-03-01T10:00:00Z' }, 'Heartbeat', 'response')).toBeNull();
    expect(failure({}, 'Heartbeat', 'response')?.code).toBe('OccurrenceConstraintViolation');
  });

  it('knows the actions of both directions and no others', () => {
    expect(v16.hasAction('BootNotification')).toBe(true);
    expect(v16.hasAction('RemoteStartTransaction')).toBe(true);
    expect(v16.hasAction('SignCertificate')).toBe(true);
    expect(v16.hasAction('MakeCoffee')).toBe(false);
    expect(failure({}, 'MakeCoffee')?.code).toBe('NotImplemented');
  });

  it('compiles each version once', () => {
    expect(validatorFor('ocpp1.6')).toBe(v16);
    const v201 = validatorFor('ocpp2.0.1');
    expect(v201.version).toBe('ocpp2.0.1');
    expect(v201.hasAction('TransactionEvent')).toBe(true);
    expect(v201.hasAction('StartTransaction')).toBe(false);
  });
});
