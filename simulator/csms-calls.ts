import type { SimulatedCharger } from './charger.js';

interface ConfigKey {
  value: string;
  readonly: boolean;
  /** Applies a changed value to the charger. */
  apply?: (value: number) => void;
}

/**
 * The CSMS commands a simulated charger answers. Anything else gets CALLERROR NotImplemented from
 * the client. Work a command asks for (a session, a status) starts once the answer is sent.
 */
export function answerCsmsCalls(charger: SimulatedCharger): void {
  const { client } = charger;
  const configuration: Record<string, ConfigKey> = {
    HeartbeatInterval: {
      value: '',
      readonly: false,
      apply: (s) => {
        charger.heartbeatIntervalMs = s * 1000;
      },
    },
    MeterValueSampleInterval: {
      value: String(Math.round(charger.options.meterIntervalMs / 1000)),
      readonly: false,
      apply: (s) => {
        charger.options.meterIntervalMs = s * 1000;
      },
    },
    NumberOfConnectors: { value: String(charger.connectors.length), readonly: true },
    MeterValuesSampledData: {
      value: 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC,Temperature',
      readonly: false,
    },
    AuthorizeRemoteTxRequests: { value: 'false', readonly: false },
    ConnectionTimeOut: { value: '60', readonly: false },
    LocalPreAuthorize: { value: 'false', readonly: false },
    SupportedFeatureProfiles: { value: 'Core,RemoteTrigger', readonly: true },
  };
  const currentValue = (key: string) =>
    key === 'HeartbeatInterval' ? String(charger.heartbeatIntervalMs / 1000) : configuration[key]?.value;
  const exists = (connectorId: number) => connectorId >= 1 && connectorId <= charger.connectors.length;

  client.handle('Reset', ({ type }) => ({
    response: { status: 'Accepted' },
    afterReply: () => charger.reboot(type === 'Hard' ? 'HardReset' : 'SoftReset'),
  }));

  client.handle('RemoteStartTransaction', ({ connectorId, idTag }) => {
    const c = connectorId === undefined ? charger.freeConnector() : exists(connectorId) ? charger.connector(connectorId) : undefined;
    if (!c || c.transactionId !== null || c.status !== 'Available') return { response: { status: 'Rejected' } };
    c.status = 'Preparing'; // taken now, so a second remote start cannot pick it
    const start = async () => {
      try {
        await charger.startSession(c.id, idTag);
      } catch (error) {
        if (c.transactionId === null && c.status === 'Preparing') await charger.notify(c.id, 'Available');
        throw error;
      }
    };
    return { response: { status: 'Accepted' }, afterReply: start };
  });

  client.handle('RemoteStopTransaction', ({ transactionId }) => {
    const c = charger.connectors.find((x) => x.transactionId === transactionId);
    if (!c) return { response: { status: 'Rejected' } };
    return { response: { status: 'Accepted' }, afterReply: () => charger.stopSession(c.id, 'Remote') };
  });

  client.handle('UnlockConnector', ({ connectorId }) => {
    if (!exists(connectorId)) return { response: { status: 'NotSupported' } };
    const c = charger.connector(connectorId);
    if (c.transactionId === null) return { response: { status: 'Unlocked' } };
    return { response: { status: 'Unlocked' }, afterReply: () => charger.stopSession(connectorId, 'UnlockCommand') };
  });

  client.handle('ChangeAvailability', ({ connectorId, type }) => {
    const targets = connectorId === 0 ? charger.connectors : exists(connectorId) ? [charger.connector(connectorId)] : [];
    if (targets.length === 0) return { response: { status: 'Rejected' } };
    if (targets.some((c) => c.transactionId !== null)) return { response: { status: 'Scheduled' } };
    const status = type === 'Inoperative' ? 'Unavailable' : 'Available';
    return {
      response: { status: 'Accepted' },
      afterReply: async () => {
        if (connectorId === 0) await charger.notify(0, status);
        for (const c of targets) await charger.notify(c.id, status);
      },
    };
  });

  client.handle('GetConfiguration', ({ key }) => {
    const keys = key?.length ? key : Object.keys(configuration);
    const known = keys.filter((k) => configuration[k]);
    return {
      response: {
        configurationKey: known.map((k) => ({ key: k, readonly: configuration[k]?.readonly ?? true, value: currentValue(k) ?? '' })),
        unknownKey: keys.filter((k) => !configuration[k]),
      },
    };
  });

  client.handle('ChangeConfiguration', ({ key, value }) => {
    const entry = configuration[key];
    if (!entry) return { response: { status: 'NotSupported' } };
    if (entry.readonly) return { response: { status: 'Rejected' } };
    if (entry.apply) {
      const seconds = Number(value);
      if (!Number.isInteger(seconds) || seconds <= 0) return { response: { status: 'Rejected' } };
      entry.apply(seconds);
    }
    entry.value = value;
    return { response: { status: 'Accepted' } };
  });

  client.handle('TriggerMessage', ({ requestedMessage, connectorId }) => {
    const targets = connectorId === undefined ? charger.connectors : exists(connectorId) ? [charger.connector(connectorId)] : [];
    const send: Record<typeof requestedMessage, () => Promise<void>> = {
      BootNotification: () => charger.boot(),
      Heartbeat: () => charger.sendHeartbeat(),
      StatusNotification: async () => {
        if (connectorId === undefined || connectorId === 0) await charger.notify(0, 'Available');
        for (const c of targets) await charger.notify(c.id, c.status, c.errorCode);
      },
      MeterValues: async () => {
        for (const c of targets) await charger.sendMeterValues(c);
      },
      DiagnosticsStatusNotification: async () => void (await client.call('DiagnosticsStatusNotification', { status: 'Idle' })),
      FirmwareStatusNotification: async () => void (await client.call('FirmwareStatusNotification', { status: 'Idle' })),
    };
    if (connectorId !== undefined && connectorId !== 0 && !exists(connectorId)) return { response: { status: 'Rejected' } };
    return { response: { status: 'Accepted' }, afterReply: send[requestedMessage] };
  });

  client.handle('ClearCache', () => ({ response: { status: 'Accepted' } }));

  client.handle('DataTransfer', () => ({ response: { status: 'UnknownVendorId' } }));
}
