import { describe, expect, it } from 'vitest';
import { type AlertActionKind, commandFor, connectorOf } from './actions.js';

describe('an action on an alert', () => {
  it.each<[AlertActionKind, number | null, string, object]>([
    ['TRIGGER_STATUS', 2, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 2 }],
    ['TRIGGER_STATUS', null, 'TriggerMessage', { requestedMessage: 'StatusNotification' }],
    ['SOFT_RESET', 2, 'Reset', { type: 'Soft' }],
    ['HARD_RESET', null, 'Reset', { type: 'Hard' }],
    ['SET_INOPERATIVE', 2, 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' }],
    ['SET_OPERATIVE', null, 'ChangeAvailability', { connectorId: 0, type: 'Operative' }],
    ['UNLOCK_CONNECTOR', 1, 'UnlockConnector', { connectorId: 1 }],
  ])('%s on connector %s is %s %j', (action, connectorId, ocppAction, payload) => {
    expect(commandFor(action, connectorId)).toEqual({ ocppAction, payload });
  });

  it('unlocks a connector only', () => {
    expect(() => commandFor('UNLOCK_CONNECTOR', null)).toThrow(/^connectorId: UNLOCK_CONNECTOR needs a connector/);
    expect(() => commandFor('UNLOCK_CONNECTOR', 0)).toThrow(/^connectorId: /);
  });

  it.each([
    [{ causeKey: 'connector:3', details: {} }, 3],
    [{ causeKey: 'a-session-id', details: { connectorId: 2 } }, 2],
    [{ causeKey: '', details: {} }, null],
    [{ causeKey: '', details: { connectorId: 'two' } }, null],
  ])('finds the connector of %j: %s', (alert, connectorId) => {
    expect(connectorOf(alert)).toBe(connectorId);
  });
});
