import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStation, bootPayload, connectCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

interface Row {
  station: string;
  message_id: string;
  direction: string;
  action: string;
  request_bytes: number;
  response_bytes: number;
  latency_ms: number;
  error_code: string;
  request: string;
  response: string;
}

describe('OCPP message log', () => {
  let system: TestSystem;
  const rows = async (station: string) => {
    const result = await system.deps.warehouse.client.query({
      query: `SELECT * FROM ${system.deps.warehouse.table('ocpp_messages')} FINAL WHERE station = {station:String} ORDER BY at, direction`,
      query_params: { station },
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return result.json<Row>();
  };
  /** Hands the gateway's batch to Redis and waits until the sink wrote it. */
  const settle = async () => {
    await system.deps.messageLog?.flush();
    expect(await system.workers?.messageLog?.drain()).toBe(true);
  };
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'workers'] });
  });
  afterAll(() => system?.close());

  it('logs each exchange with its action, direction, sizes, latency, error code and frames', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station, { handlers: { GetConfiguration: () => ({ configurationKey: [] }) } });
    try {
      await charger.call('BootNotification', bootPayload());
      await charger.call('DataTransfer', { vendorId: 'nobody' }).catch(() => null);
      await system.deps.commands.send(station.identity, 'GetConfiguration', {}, 5000);
      await settle();
      const logged = await rows(station.identity);
      expect(logged.map((r) => [r.direction, r.action])).toEqual([
        ['in', 'BootNotification'],
        ['in', 'DataTransfer'],
        ['out', 'GetConfiguration'],
      ]);
      const [boot, transfer, get] = logged as [Row, Row, Row];
      const request = JSON.parse(boot.request) as unknown[];
      expect(request.slice(0, 3)).toEqual([2, boot.message_id, 'BootNotification']);
      expect(boot.request_bytes).toBe(Buffer.byteLength(boot.request));
      expect(boot.response_bytes).toBe(Buffer.byteLength(boot.response));
      expect((JSON.parse(boot.response) as unknown[])[0]).toBe(3);
      expect(boot.error_code).toBe('');
      expect(boot.latency_ms).toBeGreaterThanOrEqual(0);
      // Whatever evcms answers a DataTransfer to an unknown vendor, the log says the same.
      const answer = JSON.parse(transfer.response) as unknown[];
      expect(transfer.error_code).toBe(answer[0] === 4 ? answer[2] : '');
      expect(get.request).toContain('"GetConfiguration"');
      expect(JSON.parse(get.response)).toEqual([3, get.message_id, { configurationKey: [] }]);
    } finally {
      await charger.close();
    }
  });

  it('counts a replayed batch once', async () => {
    const stream = system.deps.messageLog?.stream as string;
    const line = JSON.stringify({
      s: 'LOG-REPLAY',
      t: Date.now() - 3_600_000,
      i: 'm-1',
      d: 'in',
      a: 'Heartbeat',
      q: 20,
      r: 40,
      l: 1.5,
      e: '',
    });
    for (let i = 0; i < 2; i++) await system.deps.redis.xadd(stream, '*', 'n', '1', 'lines', line);
    await settle();
    expect((await rows('LOG-REPLAY')).map((r) => [r.message_id, r.action, r.request_bytes, r.response_bytes])).toEqual([
      ['m-1', 'Heartbeat', 20, 40],
    ]);
  });
});
