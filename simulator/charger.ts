import type { BootNotificationRequest, StatusNotificationRequest, StopTransactionRequest } from '../ocpp/generated/v16.js';
import { answerCsmsCalls } from './csms-calls.js';
import { Meter, meterValue } from './meter.js';
import { OcppClient } from './rpc.js';

export type ConnectorStatus = StatusNotificationRequest['status'];
export type ErrorCode = StatusNotificationRequest['errorCode'];
export type StopReason = NonNullable<StopTransactionRequest['reason']>;

export interface SimulatedChargerOptions {
  /** The gateway endpoint without the identity: ws://127.0.0.1:8180/ocpp */
  url: string;
  identity: string;
  password?: string | undefined;
  connectors?: number;
  /** How often a charging connector sends MeterValues. */
  meterIntervalMs: number;
  /** Power drawn while charging, in W. */
  powerW?: number;
  /** The meters' register at start, in Wh. */
  initialEnergyWh?: number;
  boot?: Partial<BootNotificationRequest>;
  callTimeoutMs?: number;
  /** When the CSMS drops the socket, connect again after this many ms (retrying); unset: stay offline. */
  reconnectMs?: number;
  log?: (message: string) => void;
}

export interface ConnectorState {
  readonly id: number;
  status: ConnectorStatus;
  errorCode: ErrorCode;
  transactionId: number | null;
  idTag: string | null;
  meterStartWh: number;
  meter: Meter;
  timer: NodeJS.Timeout | null;
  /** Readings of the running session, kept for StopTransaction.transactionData. */
  startReading: ReturnType<Meter['read']> | null;
}

/**
 * A simulated OCPP 1.6-J charge point: boots, reports its connectors, sends heartbeats at the interval
 * the CSMS gives, charges (StartTransaction, MeterValues, StopTransaction), faults and reconnects, and
 * answers the common CSMS commands (see csms-calls.ts).
 */
export class SimulatedCharger {
  readonly client: OcppClient;
  readonly connectors: ConnectorState[];
  readonly stats = { meterValues: 0, heartbeats: 0, errors: 0 };
  heartbeatIntervalMs = 300_000;
  registration: 'Accepted' | 'Pending' | 'Rejected' | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Set while we close the socket ourselves, so the close is not taken for a drop. */
  private closing = false;

  constructor(readonly options: SimulatedChargerOptions) {
    this.client = new OcppClient({
      url: options.url,
      identity: options.identity,
      password: options.password,
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      onError: (error) => this.fail(error),
    });
    this.connectors = Array.from({ length: options.connectors ?? 2 }, (_, i) => ({
      id: i + 1,
      status: 'Available' as ConnectorStatus,
      errorCode: 'NoError' as ErrorCode,
      transactionId: null,
      idTag: null,
      meterStartWh: 0,
      meter: new Meter(options.powerW ?? 11_000, options.initialEnergyWh ?? 0),
      timer: null,
      startReading: null,
    }));
    answerCsmsCalls(this);
    this.client.onClose = (code) => {
      if (this.closing || this.stopped || this.options.reconnectMs === undefined) return;
      this.log(`connection dropped (${code}); reconnecting`);
      this.redial(this.options.reconnectMs);
    };
  }

  get identity(): string {
    return this.options.identity;
  }

  log(message: string): void {
    this.options.log?.(`${this.identity}: ${message}`);
  }

  /** Connects, boots, reports every connector (0..n) and starts the heartbeat; returns the registration status. */
  async start(): Promise<string> {
    this.stopped = false;
    await this.client.connect();
    await this.boot();
    await this.notify(0, 'Available');
    for (const c of this.connectors) await this.notify(c.id, c.status, c.errorCode);
    return this.registration ?? 'Pending';
  }

  /** BootNotification; the answer sets the heartbeat interval (and a Pending/Rejected station boots again then). */
  async boot(): Promise<void> {
    const answer = await this.client.call('BootNotification', {
      chargePointVendor: 'evcms-sim',
      chargePointModel: 'Sim AC 22',
      chargePointSerialNumber: `SIM-${this.identity}`.slice(0, 25),
      firmwareVersion: '1.0.0',
      ...this.options.boot,
    });
    this.registration = answer.status;
    this.heartbeatIntervalMs = Math.max(1, answer.interval) * 1000;
    this.log(`boot ${answer.status}, heartbeat every ${answer.interval} s`);
    this.schedule(answer.status === 'Accepted' ? () => this.sendHeartbeat() : () => this.boot());
  }

  connector(connectorId: number): ConnectorState {
    const c = this.connectors[connectorId - 1];
    if (!c) throw new Error(`${this.identity} has no connector ${connectorId}`);
    return c;
  }

  /** The first connector that is Available, if any. */
  freeConnector(): ConnectorState | undefined {
    return this.connectors.find((c) => c.status === 'Available' && c.transactionId === null);
  }

  async notify(connectorId: number, status: ConnectorStatus, errorCode: ErrorCode = 'NoError'): Promise<void> {
    if (connectorId > 0) Object.assign(this.connector(connectorId), { status, errorCode });
    await this.client.call('StatusNotification', { connectorId, status, errorCode, timestamp: new Date().toISOString() });
  }

  /** Preparing, StartTransaction, Charging, then MeterValues every meterIntervalMs; returns the transactionId. */
  async startSession(connectorId: number, idTag: string): Promise<number> {
    const c = this.connector(connectorId);
    if (c.transactionId !== null) throw new Error(`${this.identity} connector ${connectorId} is charging already`);
    await this.notify(connectorId, 'Preparing');
    c.meter.resume();
    const begin = c.meter.read('Transaction.Begin');
    c.meterStartWh = Math.round(begin.energyWh);
    const answer = await this.client.call('StartTransaction', {
      connectorId,
      idTag,
      meterStart: c.meterStartWh,
      timestamp: begin.at.toISOString(),
    });
    Object.assign(c, { transactionId: answer.transactionId, idTag, startReading: begin });
    if (answer.idTagInfo.status !== 'Accepted') {
      this.log(`idTag ${idTag} is ${answer.idTagInfo.status}: stopping transaction ${answer.transactionId}`);
      await this.stopSession(connectorId, 'DeAuthorized');
      throw new Error(`${this.identity}: idTag ${idTag} not accepted (${answer.idTagInfo.status})`);
    }
    await this.notify(connectorId, 'Charging');
    this.log(`connector ${connectorId} charging, transaction ${answer.transactionId}`);
    c.timer = setInterval(() => void this.sendMeterValues(c).catch((error: Error) => this.fail(error)), this.options.meterIntervalMs);
    return answer.transactionId;
  }

  /** StopTransaction with meterStop and transactionData, then Finishing and Available. */
  async stopSession(connectorId: number, reason: StopReason = 'Local', after: ConnectorStatus | null = 'Available'): Promise<void> {
    const c = this.connector(connectorId);
    if (c.transactionId === null) return;
    if (c.timer) clearInterval(c.timer);
    c.timer = null;
    const end = c.meter.read('Transaction.End');
    const transactionId = c.transactionId;
    const transactionData = [...(c.startReading ? [meterValue(c.startReading)] : []), meterValue(end)];
    Object.assign(c, { transactionId: null, startReading: null });
    await this.client.call('StopTransaction', {
      transactionId,
      meterStop: Math.round(end.energyWh),
      timestamp: end.at.toISOString(),
      reason,
      ...(c.idTag && reason === 'Local' ? { idTag: c.idTag } : {}),
      transactionData,
    });
    this.log(`connector ${connectorId} stopped transaction ${transactionId} (${reason}, ${Math.round(end.energyWh - c.meterStartWh)} Wh)`);
    c.idTag = null;
    if (after === null) return;
    await this.notify(connectorId, 'Finishing');
    await this.notify(connectorId, after);
  }

  /** The connector reports a fault (a running session on it ends first); `clearFault` makes it Available. */
  async fault(connectorId: number, errorCode: Exclude<ErrorCode, 'NoError'> = 'OtherError'): Promise<void> {
    await this.stopSession(connectorId, 'Other', null);
    await this.notify(connectorId, 'Faulted', errorCode);
  }

  async clearFault(connectorId: number): Promise<void> {
    await this.notify(connectorId, 'Available');
  }

  /** Drops the socket and connects again, without a new BootNotification (as many chargers do). */
  async reconnect(): Promise<void> {
    await this.closeSocket(1001);
    await this.client.connect();
    this.log('reconnected');
  }

  /** Reboots: ends sessions, closes, connects and boots again. */
  async reboot(reason: StopReason = 'Reboot'): Promise<void> {
    for (const c of this.connectors) await this.stopSession(c.id, reason, null).catch((error: Error) => this.fail(error));
    for (const c of this.connectors) Object.assign(c, { status: 'Available', errorCode: 'NoError' });
    await this.closeSocket(1001);
    await this.start();
  }

  /** Stops the timers and closes the socket; with `endSessions`, sends StopTransaction for open ones first. */
  async stop(endSessions = false): Promise<void> {
    if (endSessions) for (const c of this.connectors) await this.stopSession(c.id, 'Local').catch((error: Error) => this.fail(error));
    this.stopped = true;
    if (this.heartbeat) clearTimeout(this.heartbeat);
    for (const c of this.connectors) if (c.timer) clearInterval(c.timer);
    await this.closeSocket(1000);
  }

  private async closeSocket(code: number): Promise<void> {
    this.closing = true;
    try {
      await this.client.close(code);
    } finally {
      this.closing = false;
    }
  }

  private redial(delayMs: number): void {
    const timer = setTimeout(() => {
      if (this.stopped || this.client.open) return;
      this.client.connect().then(
        () => this.log('reconnected'),
        (error: Error) => {
          this.log(`reconnect failed: ${error.message}`);
          this.redial(Math.min(30_000, delayMs * 2));
        },
      );
    }, delayMs);
    timer.unref();
  }

  async sendMeterValues(c: ConnectorState): Promise<void> {
    if (!this.client.open) return; // offline: a real charger would queue; the simulator skips the sample
    const payload = { connectorId: c.id, meterValue: [meterValue(c.meter.read())] };
    await this.client.call('MeterValues', c.transactionId === null ? payload : { ...payload, transactionId: c.transactionId });
    this.stats.meterValues++;
  }

  async sendHeartbeat(): Promise<void> {
    if (this.client.open) {
      await this.client.call('Heartbeat', {});
      this.stats.heartbeats++;
    }
  }

  private schedule(next: () => Promise<void>): void {
    if (this.heartbeat) clearTimeout(this.heartbeat);
    if (this.stopped) return;
    this.heartbeat = setTimeout(() => {
      this.heartbeat = null;
      void next()
        .catch((error: Error) => this.fail(error))
        .finally(() => {
          if (!this.heartbeat && this.registration === 'Accepted') this.schedule(() => this.sendHeartbeat());
        });
    }, this.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  fail(error: Error): void {
    this.stats.errors++;
    this.log(`error: ${error.message}`);
  }
}
