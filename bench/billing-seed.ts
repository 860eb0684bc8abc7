// What bench/billing.ts bills: an operator with a site in Kigali, stations with two connectors, drivers with
// funded wallets (every 50th driver's is empty, so some invoices stay open), a time-of-day tariff with VAT, and
// ended sessions with their status changes in PostgreSQL and their meter samples in the warehouse. Inserted in
// bulk, as an import would; the samples through the telemetry sink's path (meter_frames, expanded by ClickHouse).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { TariffDefinition } from '../billing/tariff-model.js';
import type { Deps } from '../system/deps.js';
import type { BufferedFrame } from '../telemetry/buffer.js';

export interface SeedOptions {
  sessions: number;
  stations: number;
  drivers: number;
  /** Seconds between two meter readings of a session. */
  sampleSeconds: number;
}

/** Off-peak 250 RWF per kWh, 400 from 17:00 to 22:00 (Kigali time), a 200 RWF start fee, parking 600 per hour; VAT 18% on top. */
export const benchTariff: TariffDefinition = {
  currency: 'RWF',
  type: 'REGULAR',
  altText: [{ language: 'en', text: 'Bench: time of day' }],
  pricesIncludeTax: false,
  taxes: [{ type: 'VAT', ratePercent: '18' }],
  elements: [
    { priceComponents: [{ type: 'ENERGY', price: '400', stepSize: 1 }], restrictions: { startTime: '17:00', endTime: '22:00' } },
    {
      priceComponents: [
        { type: 'FLAT', price: '200', stepSize: 1 },
        { type: 'ENERGY', price: '250', stepSize: 1 },
        { type: 'PARKING_TIME', price: '600', stepSize: 300 },
      ],
    },
  ],
};

const walletFunds = 50_000_000;

/** The operator, site, stations, drivers and their credentials and wallets, and the tariff; the tariff version's id. */
async function seedOperator(deps: Deps, client: pg.Client, options: SeedOptions): Promise<{ organisationId: string; versionId: string }> {
  const organisationId = randomUUID();
  const siteId = randomUUID();
  await client.query(`insert into organisation (id, name, slug, created_at) values ($1, 'Bench Billing', 'bench-billing', now())`, [
    organisationId,
  ]);
  await client.query(
    `insert into site (id, organisation_id, name, city, country, time_zone, created_at)
     values ($1, $2, 'Bench site', 'Kigali', 'RW', 'Africa/Kigali', now())`,
    [siteId, organisationId],
  );
  await client.query(
    `insert into station (id, identity, organisation_id, site_id, registration_status, created_at, updated_at)
     select gen_random_uuid(), 'BILL-' || lpad(n::text, 5, '0'), $1, $2, 'Accepted', now(), now() from generate_series(1, $3) n`,
    [organisationId, siteId, options.stations],
  );
  await client.query(
    `insert into app_user (id, email, password_hash, role, created_at, updated_at)
     select gen_random_uuid(), 'driver-' || lpad(n::text, 6, '0') || '@bench.test', 'not-a-hash', 'DRIVER', now(), now()
     from generate_series(1, $1) n`,
    [options.drivers],
  );
  await client.query(
    `insert into id_token (id, value, type, status, owner_id, max_concurrent, created_at, updated_at)
     select gen_random_uuid(), 'BILLTAG' || substr(u.email, 8, 6), 'RFID', 'Accepted', u.id, 0, now(), now()
     from app_user u where u.role = 'DRIVER'`,
  );
  const { tariff, version } = await deps.tariffs.create(organisationId, 'Bench time of day', {
    definition: benchTariff,
    validFrom: new Date(0),
  });
  await deps.tariffs.assign({ tariffId: tariff.id });
  await fundWallets(deps, client, organisationId);
  return { organisationId, versionId: version.id };
}

/** Every driver's wallet but every 50th's gets the funds, in one balanced posting from the adjustment account. */
async function fundWallets(deps: Deps, client: pg.Client, organisationId: string): Promise<void> {
  const { rows } = await client.query<{ id: string }>(`select id from app_user where role = 'DRIVER' order by email`);
  const funded = rows.filter((_, i) => (i + 1) % 50 !== 0);
  await client.query(
    `insert into ledger_account (id, organisation_id, kind, owner_id, currency, created_at)
     select gen_random_uuid(), $1, 'wallet', u, 'RWF', now() from unnest($2::uuid[]) u`,
    [organisationId, rows.map((row) => row.id)],
  );
  const { rows: wallets } = await client.query<{ id: string; owner_id: string }>(
    `select id, owner_id from ledger_account where organisation_id = $1 and kind = 'wallet' and owner_id = any($2::uuid[])`,
    [organisationId, funded.map((row) => row.id)],
  );
  const adjustment = await deps.ledger.account(organisationId, 'adjustment', 'RWF');
  await deps.ledger.post({
    organisationId,
    kind: 'top-up',
    idempotencyKey: `bench-funds:${organisationId}`,
    description: 'bench: wallets funded',
    entries: [
      { accountId: adjustment.id, amountMinor: -walletFunds * wallets.length },
      ...wallets.map((wallet) => ({ accountId: wallet.id, amountMinor: walletFunds })),
    ],
  });
}

/**
 * Sessions i = 0..n-1: station i mod S, connector 1 or 2, one after the other on each connector (a slot of 3 h,
 * starting within its first hour), 20 to 120 minutes at 7 to 22 kW, by driver i mod D, ended and pending; and per
 * session the connector's statuses: Preparing before it, Charging, SuspendedEV for its last 15%, Finishing at the stop.
 */
async function seedSessions(client: pg.Client, options: SeedOptions, versionId: string, from: number, to: number): Promise<void> {
  await client.query(
    `with stations as (select array_agg(id order by identity) as ids from station),
       tokens as (select array_agg(id order by value) as ids, array_agg(value order by value) as tags from id_token),
       s as (
         select i, 1 + (i / $3) % 2 as connector,
           date_trunc('hour', now()) - interval '1 hour' * (3 * ($2::bigint / (2 * $3) + 1)) + interval '3 hours' * (i / (2 * $3))
             + interval '1 second' * ((i * 37) % 3600) as started,
           interval '1 second' * (1200 + (i * 7919) % 6000) as duration,
           (1200 + (i * 7919) % 6000) * (7000 + (i * 104729) % 15000) / 3600 as energy,
           (i % 977) * 10000 as meter_start
         from generate_series($4::bigint, $5::bigint - 1) i)
     insert into charging_session (id, transaction_id, start_key, station_id, evse_id, connector_id, id_tag, id_token_id,
       credential_type, auth_status, state, meter_start_wh, meter_stop_wh, started_at, start_received_at, stopped_at,
       stop_received_at, stop_reason, energy_wh, flags, tariff_version_id, billing_status, updated_at)
     select gen_random_uuid(), (s.i + 1)::text, 'bench-billing-' || s.i, stations.ids[s.i % $3 + 1], s.connector, s.connector,
       tokens.tags[s.i % $6 + 1], tokens.ids[s.i % $6 + 1], 'ISO14443', 'Accepted', 'Completed', s.meter_start,
       s.meter_start + s.energy, s.started, s.started, s.started + s.duration, s.started + s.duration, 'Local', s.energy,
       '[]', $1, 'pending', now()
     from s, stations, tokens`,
    [versionId, options.sessions, options.stations, from, to, options.drivers],
  );
}

async function seedStatuses(client: pg.Client): Promise<void> {
  await client.query(
    `insert into status_event (station_id, connector_id, status, error_code, station_timestamp, received_at)
     select t.station_id, t.connector_id, e.status, 'NoError', e.at, e.at
     from charging_session t cross join lateral (values
       ('Preparing', t.started_at - interval '30 seconds'),
       ('Charging', t.started_at + interval '20 seconds'),
       ('SuspendedEV', t.started_at + (t.stopped_at - t.started_at) * 0.85),
       ('Finishing', t.stopped_at)) as e (status, at)`,
  );
}

interface SessionForSamples {
  id: string;
  transaction_id: string;
  identity: string;
  connector_id: number;
  started_ms: string;
  stopped_ms: string;
  meter_start_wh: string;
  energy_wh: string;
}

/** One frame per session: the energy register and the power every `sampleSeconds`, and at the stop. */
function frameOf(s: SessionForSamples, sampleSeconds: number): BufferedFrame {
  const [start, stop] = [Number(s.started_ms), Number(s.stopped_ms)];
  const [meterStart, energy] = [Number(s.meter_start_wh), Number(s.energy_wh)];
  const powerW = Math.round((energy * 3_600_000) / (stop - start));
  const v: BufferedFrame['v'] = [];
  for (let at = start + sampleSeconds * 1000; ; at += sampleSeconds * 1000) {
    const last = at >= stop;
    const ms = last ? stop : at;
    const wh = meterStart + Math.floor((energy * (ms - start)) / (stop - start));
    v.push([ms, 'Energy.Active.Import.Register', '', 'Outlet', last ? 'Transaction.End' : 'Sample.Periodic', 'Wh', wh]);
    if (!last) v.push([ms, 'Power.Active.Import', '', 'Outlet', 'Sample.Periodic', 'W', powerW]);
    if (last) break;
  }
  return { k: `bench:${s.id}`, s: s.identity, c: s.connector_id, t: s.transaction_id, u: s.id, r: stop, o: 'MeterValues', v };
}

async function seedSamples(deps: Deps, client: pg.Client, options: SeedOptions): Promise<number> {
  let samples = 0;
  const chunk = 5000;
  for (let offset = 0; offset < options.sessions; offset += chunk) {
    const { rows } = await client.query<SessionForSamples>(
      `select t.id, t.transaction_id, s.identity, t.connector_id, (extract(epoch from t.started_at) * 1000)::bigint as started_ms,
         (extract(epoch from t.stopped_at) * 1000)::bigint as stopped_ms, t.meter_start_wh, t.energy_wh
       from charging_session t join station s on s.id = t.station_id order by t.start_key offset $1 limit $2`,
      [offset, chunk],
    );
    const frames = rows.map((row) => frameOf(row, options.sampleSeconds));
    samples += frames.reduce((n, frame) => n + frame.v.length, 0);
    await deps.warehouse.insertText('meter_frames', 'JSONEachRow', `${frames.map((frame) => JSON.stringify(frame)).join('\n')}\n`, {
      input_format_allow_errors_num: '0',
      max_threads: 1,
      max_insert_threads: '1',
    });
  }
  return samples;
}

/** Seeds everything; resolves to the organisation and the number of meter samples written. */
export async function seedBilling(
  deps: Deps,
  client: pg.Client,
  options: SeedOptions,
  say: (line: string) => void,
): Promise<{ organisationId: string; samples: number }> {
  const { organisationId, versionId } = await seedOperator(deps, client, options);
  say(`${options.stations} stations, ${options.drivers} drivers with wallets, the tariff`);
  for (let from = 0; from < options.sessions; from += 20_000) {
    await seedSessions(client, options, versionId, from, Math.min(options.sessions, from + 20_000));
  }
  await seedStatuses(client);
  say(`${options.sessions} ended sessions and their status changes in PostgreSQL`);
  const samples = await seedSamples(deps, client, options);
  say(`${samples} meter samples in the warehouse`);
  // What autovacuum would have done by the time a sweep runs: statistics and the visibility map.
  for (const table of ['charging_session', 'status_event', 'ledger_account', 'id_token', 'station'])
    await client.query(`vacuum analyze ${table}`);
  await deps.warehouse.client.command({ query: `OPTIMIZE TABLE ${deps.warehouse.table('meter_values')} FINAL` });
  return { organisationId, samples };
}
