import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger } from '../../../test/builders.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

type Answer = { status: string; data?: string };

describe('DataTransfer', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  it('answers UnknownVendorId when no vendor route is registered', async () => {
    const { charger } = await aConnectedCharger(system);
    const answer = await charger.call<Answer>('DataTransfer', { vendorId: 'com.nobody', messageId: 'ping', data: 'x' });
    expect(answer).toEqual({ status: 'UnknownVendorId' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it("routes a vendor's message to the handler registered for it, which answers", async () => {
    const seen: Array<{ identity: string; data: string | undefined }> = [];
    system.gateway!.vendors.register(
      'com.acme',
      (request, { station }) => {
        seen.push({ identity: station.identity, data: request.data });
        return { status: 'Accepted', data: `pong:${request.data ?? ''}` };
      },
      'ping',
    );
    const { station, charger } = await aConnectedCharger(system);
    const answer = await charger.call<Answer>('DataTransfer', { vendorId: 'com.acme', messageId: 'ping', data: '42' });
    expect(answer).toEqual({ status: 'Accepted', data: 'pong:42' });
    // vendorId and messageId are case-insensitive (CiString255, CiString50).
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'COM.Acme', messageId: 'PING', data: '43' })).toEqual({
      status: 'Accepted',
      data: 'pong:43',
    });
    expect(seen).toEqual([
      { identity: station.identity, data: '42' },
      { identity: station.identity, data: '43' },
    ]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers UnknownMessageId for a known vendor and a messageId it has no route for', async () => {
    system.gateway!.vendors.register('com.beta', () => ({ status: 'Accepted' }), 'ping');
    const { charger } = await aConnectedCharger(system);
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'com.beta', messageId: 'reboot' })).toEqual({
      status: 'UnknownMessageId',
    });
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'com.beta' })).toEqual({ status: 'UnknownMessageId' });
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'COM.BETA' })).toEqual({ status: 'UnknownMessageId' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('lets a vendor route without a messageId take every message of that vendor', async () => {
    system.gateway!.vendors.register('com.gamma', (request) => ({ status: 'Rejected', data: request.messageId ?? 'none' }));
    const { charger } = await aConnectedCharger(system);
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'com.gamma', messageId: 'anything' })).toEqual({
      status: 'Rejected',
      data: 'anything',
    });
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'com.gamma' })).toEqual({ status: 'Rejected', data: 'none' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('prefers the route for the exact messageId over the vendor-wide one', async () => {
    system.gateway!.vendors.register('com.delta', () => ({ status: 'Rejected' }));
    system.gateway!.vendors.register('com.delta', () => ({ status: 'Accepted', data: 'exact' }), 'status');
    const { charger } = await aConnectedCharger(system);
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'com.delta', messageId: 'status' })).toEqual({
      status: 'Accepted',
      data: 'exact',
    });
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'com.delta', messageId: 'other' })).toEqual({ status: 'Rejected' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers InternalError without the failure on the wire when a vendor handler throws, and keeps the connection', async () => {
    system.gateway!.vendors.register('com.broken', () => {
      throw new Error('secret database password in a stack trace');
    });
    const { charger } = await aConnectedCharger(system);
    const error = await charger.call('DataTransfer', { vendorId: 'com.broken', messageId: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ rpcErrorCode: 'InternalError', details: {} });
    expect(String((error as Error).message)).not.toContain('secret');
    expect(await charger.call<Answer>('DataTransfer', { vendorId: 'com.nobody' })).toEqual({ status: 'UnknownVendorId' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });
});
