import { registerEnumType } from 'type-graphql';

export enum ResetTypeValue {
  SOFT = 'Soft',
  HARD = 'Hard',
}
registerEnumType(ResetTypeValue, { name: 'ResetType', description: 'SOFT: stop sessions and restart the software; HARD: reboot' });

export enum AvailabilityTypeValue {
  OPERATIVE = 'Operative',
  INOPERATIVE = 'Inoperative',
}
registerEnumType(AvailabilityTypeValue, { name: 'AvailabilityType' });

export enum TriggerableMessage {
  BOOT_NOTIFICATION = 'BootNotification',
  DIAGNOSTICS_STATUS_NOTIFICATION = 'DiagnosticsStatusNotification',
  FIRMWARE_STATUS_NOTIFICATION = 'FirmwareStatusNotification',
  HEARTBEAT = 'Heartbeat',
  METER_VALUES = 'MeterValues',
  STATUS_NOTIFICATION = 'StatusNotification',
}
registerEnumType(TriggerableMessage, { name: 'TriggerableMessage', description: 'What TriggerMessage may ask a station to send' });

export enum ChargingProfilePurposeValue {
  CHARGE_POINT_MAX_PROFILE = 'ChargePointMaxProfile',
  TX_DEFAULT_PROFILE = 'TxDefaultProfile',
  TX_PROFILE = 'TxProfile',
}
registerEnumType(ChargingProfilePurposeValue, { name: 'ChargingProfilePurpose' });

export enum ChargingRateUnitValue {
  A = 'A',
  W = 'W',
}
registerEnumType(ChargingRateUnitValue, { name: 'ChargingRateUnit' });
