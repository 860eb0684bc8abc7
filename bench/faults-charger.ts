// A charger as bench/faults.ts plays it: one session at a time, a MeterValues frame every second, and
// StopTransaction retried as a real charger's TransactionMessageAttempts (3) and RetryInterval would.
// It keeps what evcms answered: every sample answered with a CALLRESULT must reach the warehouse.
import { CallErrorReply, OcppClient } from '../simulator/rpc.js';

/** One CALL as the charger saw it. */
export interface CallRecord {
  action: string;
  /** ms from sending to the answer; Infinity when none came within the client's call timeout. */
  ms: number;
  /** 'ok', the CALLERROR code, or 'timeout'. */
  outcome: string;
  /** The phase the call was sent in. */
  phase: string;
}

export interface FaultCharger {
  identity: string;
  calls: CallRecord[];
  /** The timestamps (ms) of the MeterValues frames answered with a CALLRESULT, with their phase. */
  answeredSamples: Array<{ ms: number; phase: string }>;
  /** Stops answered with a CALLRESULT (transactionId, meterStop), and those given up after 3 attempts. */
  stops: Array<{ transactionId: number; meterStop: number; answered: boolean }>;
  /** Connects, boots and starts a session. */
  start(): Promise<void>;
  /** Ends the session (StopTransaction, retried). */
  stop(): Promise<void>;
  /** Starts the next session (StartTransaction, retried). */
  newSession(): Promise<void>;
  close(): Promise<void>;
}

const attempts = 3;
const retryIntervalMs = 2_000;

export function faultCharger(options: {
  url: string;
  identity: string;
  password: string;
  idTag: string;
  phase: () => string;
}): FaultCharger {
  const client = new OcppClient({ url: options.url, identity: options.identity, password: options.password, callTimeoutMs: 30_000 });
  const calls: CallRecord[] = [];
  const answeredSamples: FaultCharger['answeredSamples'] = [];
  const stops: FaultCharger['stops'] = [];
  let meter = 0;
  let lastTs = 0;
  let transactionId: number | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let closing = false;

  const call = async <T>(action: string, payload: Record<string, unknown>): Promise<T | null> => {
    const phase = options.phase();
    const sent = performance.now();
    try {
      const answer = (await client.call(action as never, payload as never)) as T;
      calls.push({ action, ms: performance.now() - sent, outcome: 'ok', phase });
      return answer;
    } catch (error) {
      const outcome = error instanceof CallErrorReply ? error.code : 'timeout';
      calls.push({ action, ms: outcome === 'timeout' ? Number.POSITIVE_INFINITY : performance.now() - sent, outcome, phase });
      return null;
    }
  };

  const sendMeterValues = async () => {
    if (transactionId === null) return;
    meter += 100;
    // Unique per charger: the warehouse keys a sample by its frame, so each frame is told apart by its time.
    const ms = Math.max(Date.now(), lastTs + 1);
    lastTs = ms;
    const phase = options.phase();
    const answer = await call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: new Date(ms).toISOString(),
          sampledValue: [{ value: String(meter), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
        },
      ],
    });
    if (answer) answeredSamples.push({ ms, phase });
  };

  const startSession = async () => {
    for (let attempt = 1; attempt <= attempts && transactionId === null; attempt++) {
      const answer = await call<{ transactionId: number }>('StartTransaction', {
        connectorId: 1,
        idTag: options.idTag,
        meterStart: meter,
        timestamp: new Date().toISOString(),
      });
      if (answer) transactionId = answer.transactionId;
      else await new Promise((r) => setTimeout(r, retryIntervalMs * attempt));
    }
  };

  return {
    identity: options.identity,
    calls,
    answeredSamples,
    stops,
    async start() {
      await client.connect();
      await call('BootNotification', { chargePointVendor: 'evcms', chargePointModel: 'faults' });
      await call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
      await startSession();
      ticker ??= setInterval(() => {
        if (!closing) void sendMeterValues();
      }, 1_000);
    },
    async stop() {
      const id = transactionId;
      if (id === null) return;
      transactionId = null;
      const meterStop = meter;
      // The same StopTransaction (same timestamp) each attempt, as a charger's queue resends it.
      const payload = { transactionId: id, meterStop, timestamp: new Date().toISOString(), reason: 'EVDisconnected', idTag: options.idTag };
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (await call('StopTransaction', payload)) {
          stops.push({ transactionId: id, meterStop, answered: true });
          return;
        }
        if (attempt < attempts) await new Promise((r) => setTimeout(r, retryIntervalMs * attempt));
      }
      stops.push({ transactionId: id, meterStop, answered: false });
    },
    newSession: startSession,
    async close() {
      closing = true;
      if (ticker) clearInterval(ticker);
      await client.close();
    },
  };
}
