/** What the system announces about stations, sessions and money. Every event of a station names it. */
export interface EventMap {
  'station.online': { stationId: string; identity: string; online: boolean; at: string };
  'station.boot': { stationId: string; identity: string; vendor: string; model: string; status: string; at: string };
  'station.status': { stationId: string; identity: string; status: string; errorCode: string; at: string };
  /** A SecurityEventNotification (OCPP 1.6 security extension); `at` as the station stamped it. */
  'station.security': { stationId: string; identity: string; type: string; techInfo: string | null; at: string };
  'connector.status': {
    stationId: string;
    identity: string;
    evseId: number;
    connectorId: number;
    /** Version-neutral (stations/connector-status.ts); `ocppStatus` as the station sent it. */
    status: string;
    ocppStatus: string;
    errorCode: string;
    info: string | null;
    vendorErrorCode: string | null;
    at: string;
  };
  /** Sessions are named by evcms's id (`sessionId`); `transactionId` is the protocol's key, as on the wire. */
  'session.started': {
    stationId: string;
    identity: string;
    sessionId: string;
    transactionId: string;
    connectorId: number;
    idTag: string;
    at: string;
  };
  'session.updated': {
    stationId: string;
    identity: string;
    sessionId: string;
    transactionId: string;
    connectorId: number;
    energyWh: number | null;
    powerW: number | null;
    at: string;
  };
  'session.ended': {
    stationId: string;
    identity: string;
    sessionId: string;
    transactionId: string;
    connectorId: number;
    energyWh: number | null;
    reason: string | null;
    at: string;
  };
  /** An invoice was issued for a session (billing/service.ts). */
  'invoice.issued': {
    stationId: string;
    identity: string;
    invoiceId: string;
    number: string;
    sessionId: string;
    payerUserId: string | null;
    organisationId: string;
    currency: string;
    totalMinor: number;
    at: string;
  };
  /** An alert was raised (alerts/service.ts); `details` depend on its kind. */
  'alert.raised': AlertEvent;
  /** An alert was resolved: by itself when its condition cleared (`resolvedBy` null), or by hand. */
  'alert.resolved': AlertEvent;
  /** A payment attempt was made or changed state (billing/payments/). */
  'payment.updated': {
    paymentId: string;
    organisationId: string;
    payerUserId: string | null;
    provider: string;
    purpose: string;
    invoiceId: string | null;
    state: string;
    reason: string | null;
    amountMinor: number;
    currency: string;
    at: string;
  };
  /** A firmware campaign moved (maintenance/campaigns.ts): its state and stations' totals by state. */
  'firmware.campaign': {
    campaignId: string;
    organisationId: string;
    state: string;
    totals: Record<string, number>;
    at: string;
  };
  /** A report moved on while it is built (reports/build.ts): its state, stage and how far it got. */
  'report.progress': {
    reportId: string;
    organisationId: string | null;
    kind: string;
    state: string;
    stage: string;
    percent: number;
    error: string | null;
    at: string;
  };
  'command.result': {
    stationId: string;
    identity: string;
    action: string;
    status: 'ok' | 'error';
    response: unknown;
    error: string | null;
    at: string;
  };
}

export interface AlertEvent {
  alertId: string;
  organisationId: string;
  stationId: string;
  identity: string;
  kind: string;
  causeKey: string;
  severity: string;
  message: string;
  details: Record<string, unknown>;
  resolvedBy: string | null;
  at: string;
}

export type Topic = keyof EventMap;
/** The topics whose events are about a station (and name it). */
export type StationTopic = Exclude<Topic, 'payment.updated' | 'firmware.campaign' | 'report.progress'>;
export const topics: Topic[] = [
  'station.online',
  'station.boot',
  'station.status',
  'station.security',
  'connector.status',
  'session.started',
  'session.updated',
  'session.ended',
  'invoice.issued',
  'alert.raised',
  'alert.resolved',
  'payment.updated',
  'firmware.campaign',
  'report.progress',
  'command.result',
];
