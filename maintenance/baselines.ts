import { changeConfiguration, getConfiguration } from '../commands/configuration.js';
import { failureKind, type StationCommands } from '../commands/station-commands.js';
import type { Orm } from '../database/orm.js';
import { type BaselineInput, BaselineInputError, checkBaseline, sameValue } from './baseline-values.js';

export interface BaselineView {
  id: string;
  organisationId: string;
  model: string;
  keys: Array<{ key: string; value: string }>;
  maxPowerW: number | null;
  updatedBy: string | null;
  updatedAt: Date;
}

/** A baseline key a station does not hold: it reported another value, or none (never read, or unknown to it). */
export interface DriftEntry {
  key: string;
  wanted: string;
  /** The value last reported; null when the station never reported the key. */
  reported: string | null;
  readonly: boolean | null;
  /** When the station last reported it. */
  readAt: Date | null;
  state: 'differs' | 'missing';
}

/** What a station answered to one ChangeConfiguration of a baseline, or why it was not asked. */
export interface AppliedKey {
  key: string;
  value: string;
  /** Accepted, RebootRequired, Rejected, NotSupported (the station's answer); Failed (an error); NotSent (after a failure). */
  status: string;
  error: string | null;
}

interface BaselineRow {
  id: string;
  organisation_id: string;
  model: string;
  keys: Record<string, string>;
  max_power_w: number | null;
  updated_by: string | null;
  updated_at: Date;
}

const view = (r: BaselineRow): BaselineView => ({
  id: r.id,
  organisationId: r.organisation_id,
  model: r.model,
  keys: Object.entries(r.keys).map(([key, value]) => ({ key, value })),
  maxPowerW: r.max_power_w,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at),
});

/** A station gone or silent: the keys after it are not sent. */
const stops = (error: unknown) => ['offline', 'timeout'].includes(failureKind(error));

/**
 * Configuration baselines: per organisation and model, the configuration keys its stations should hold. The
 * drift is the baseline against what each station last reported (configuration_key: GetConfiguration after
 * every accepted boot of a station with a baseline, and every value a ChangeConfiguration set); applying
 * reads the keys again, sends ChangeConfiguration per drifting key and reports each answer.
 */
/** How long the models that have a baseline are remembered (a baseline set on another node counts after this). */
const MODELS_TTL_MS = 30_000;

export class ConfigurationBaselines {
  /** The models (lower case) some organisation has a baseline for, and when they were read. */
  private models: { names: Promise<Set<string>>; at: number } | null = null;

  constructor(private readonly deps: { orm: Orm; commands: StationCommands }) {}

  private sql() {
    return this.deps.orm.em.fork().getConnection();
  }

  /** The organisation's baselines (undefined: every organisation's), by model. */
  async list(organisationId: string | undefined): Promise<BaselineView[]> {
    const rows = await this.sql().execute<BaselineRow[]>(
      `select * from configuration_baseline ${organisationId ? 'where organisation_id = ?' : ''} order by lower(model), organisation_id`,
      organisationId ? [organisationId] : [],
    );
    return rows.map(view);
  }

  /** Sets the baseline of a model (replacing its keys and rated power); throws BaselineInputError. */
  async set(organisationId: string, input: BaselineInput, actor: string): Promise<BaselineView> {
    const checked = checkBaseline(input);
    const [row] = await this.sql().execute<BaselineRow[]>(
      `insert into configuration_baseline (id, organisation_id, model, keys, max_power_w, updated_by, updated_at)
       values (gen_random_uuid(), ?, ?, ?::jsonb, ?, ?, now())
       on conflict (organisation_id, lower(model)) do update set model = excluded.model, keys = excluded.keys,
         max_power_w = excluded.max_power_w, updated_by = excluded.updated_by, updated_at = now()
       returning *`,
      [organisationId, checked.model, JSON.stringify(checked.keys), checked.maxPowerW, actor],
    );
    this.models = null;
    return view(row as BaselineRow);
  }

  /** Whether the station's model has a baseline in its organisation (only those stations are read after boot). */
  async covers(stationId: string, model?: string): Promise<boolean> {
    // A boot says its model: most have no baseline anywhere, and cost no query per boot (one per 30 s in all).
    if (model !== undefined && !(await this.modelsWithBaselines()).has(model.toLowerCase())) return false;
    const rows = await this.sql().execute(
      `select 1 from station s join configuration_baseline cb on cb.organisation_id = s.organisation_id
         and lower(cb.model) = lower(s.model) where s.id = ?`,
      [stationId],
    );
    return rows.length > 0;
  }

  private modelsWithBaselines(): Promise<Set<string>> {
    if (!this.models || performance.now() - this.models.at > MODELS_TTL_MS) {
      const names = this.sql()
        .execute<{ model: string }[]>('select distinct lower(model) as model from configuration_baseline')
        .then((rows) => new Set(rows.map((r) => r.model)));
      this.models = { names, at: performance.now() };
      names.catch(() => {
        this.models = null;
      });
    }
    return this.models.names;
  }

  /** The drift of each station asked for (none: no baseline for its model, or nothing drifts), by station id. */
  async drift(stationIds: readonly string[]): Promise<Map<string, DriftEntry[]>> {
    const rows = await this.sql().execute<
      { station_id: string; key: string; wanted: string; reported: string | null; readonly: boolean | null; read_at: Date | null }[]
    >(
      `select s.id as station_id, b.key, b.value as wanted, c.value as reported, c.readonly, c.read_at
       from station s
       join configuration_baseline cb on cb.organisation_id = s.organisation_id and lower(cb.model) = lower(s.model)
       cross join lateral jsonb_each_text(cb.keys) b(key, value)
       left join configuration_key c on c.station_id = s.id and lower(c.key) = lower(b.key)
       where s.id = any(?::uuid[])
       order by s.id, b.key`,
      [`{${stationIds.join(',')}}`],
    );
    const drift = new Map<string, DriftEntry[]>(stationIds.map((id) => [id, []]));
    for (const r of rows) {
      if (r.read_at !== null && sameValue(r.wanted, r.reported)) continue;
      drift.get(r.station_id)?.push({
        key: r.key,
        wanted: r.wanted,
        reported: r.read_at === null ? null : r.reported,
        readonly: r.readonly,
        readAt: r.read_at === null ? null : new Date(r.read_at),
        state: r.read_at === null ? 'missing' : 'differs',
      });
    }
    return drift;
  }

  /**
   * Reads the baseline's keys from the station (GetConfiguration), then sends ChangeConfiguration for every key
   * that drifts, one after the other, and reports each answer; an accepted
   * value (or one that needs a reboot) becomes the station's known value, so its drift clears. A station offline
   * or silent at the read or the first key fails the whole call; later, the remaining keys are reported NotSent.
   */
  async apply(station: { id: string; identity: string; model: string | null }, actor: string): Promise<AppliedKey[]> {
    const [baseline] = await this.sql().execute<{ keys: Record<string, string> }[]>(
      'select cb.keys from configuration_baseline cb join station s on s.organisation_id = cb.organisation_id and lower(cb.model) = lower(s.model) where s.id = ?',
      [station.id],
    );
    if (!baseline) throw new BaselineInputError('stationIdentity', `no configuration baseline for model "${station.model ?? '(unknown)'}"`);
    // What the station holds now, not what it held at its last boot: someone may have changed it since.
    const keys = Object.keys(baseline.keys);
    // A station that cannot answer it (a CALLERROR) is compared with what it reported last.
    if (keys.length)
      await getConfiguration(this.deps, station.identity, keys, { actor }).catch((error: unknown) => {
        if (stops(error)) throw error;
      });
    const drifting = (await this.drift([station.id])).get(station.id) ?? [];
    const applied: AppliedKey[] = [];
    let stopped: string | null = null;
    for (const entry of drifting) {
      const result = { key: entry.key, value: entry.wanted };
      if (stopped !== null) {
        applied.push({ ...result, status: 'NotSent', error: stopped });
        continue;
      }
      try {
        const answer = await changeConfiguration(this.deps, station.identity, entry.key, entry.wanted, { actor });
        applied.push({ ...result, status: answer.status, error: null });
      } catch (error) {
        if (applied.length === 0 && stops(error)) throw error;
        if (stops(error)) stopped = `not sent: the station was ${failureKind(error)} at ${entry.key}`;
        applied.push({ ...result, status: 'Failed', error: (error as Error).message });
      }
    }
    return applied;
  }
}
