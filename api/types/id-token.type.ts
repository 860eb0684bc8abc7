import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { IdToken } from '../../schema/entities/index.js';

/** A row of the auth_decision table, as SQL returns it. */
export interface AuthDecisionRow {
  id: string | number;
  id_tag: string;
  station_id: string | null;
  purpose: string;
  status: string;
  reason: string;
  decided_at: Date | string;
}

export enum IdTokenKind {
  RFID = 'RFID',
  APP = 'APP',
  CENTRAL = 'CENTRAL',
  EMAID = 'EMAID',
  KEY_CODE = 'KEY_CODE',
}
registerEnumType(IdTokenKind, { name: 'IdTokenType', description: 'What carries the credential: a card, an app, a group, ...' });

export enum IdTokenStatusValue {
  Accepted = 'Accepted',
  Blocked = 'Blocked',
  Expired = 'Expired',
}
registerEnumType(IdTokenStatusValue, { name: 'IdTokenStatus' });

export enum LocalListUpdateType {
  Full = 'Full',
  Differential = 'Differential',
}
registerEnumType(LocalListUpdateType, { name: 'LocalListUpdateType', description: 'Replace the list, or change some entries' });

@ObjectType('IdToken', { description: 'A credential a driver charges with: an OCPP idTag' })
export class IdTokenType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The idTag; RFID UIDs in upper-case hex without separators' })
  value!: string;

  @Field(() => IdTokenKind)
  type!: IdTokenKind;

  @Field(() => IdTokenStatusValue)
  status!: IdTokenStatusValue;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The group credential (OCPP parentIdTag)' })
  parentValue!: string | null;

  @Field(() => Int, { description: 'Open sessions it may have at once; 0 = unlimited' })
  maxConcurrent!: number;

  @Field(() => ID, { nullable: true, description: 'The driver who carries it' })
  ownerId!: string | null;

  @Field(() => ID, { nullable: true })
  organisationId!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  /** From a credential whose parent is loaded (populate ['parent']). */
  static from(row: IdToken): IdTokenType {
    return Object.assign(new IdTokenType(), {
      id: row.id,
      value: row.value,
      type: row.type as IdTokenKind,
      status: row.status as IdTokenStatusValue,
      expiresAt: row.expiresAt ?? null,
      parentValue: row.parent?.value ?? null,
      maxConcurrent: row.maxConcurrent,
      ownerId: row.owner?.id ?? null,
      organisationId: row.organisation?.id ?? null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  }
}

@ObjectType('AuthorizationDecision', { description: 'One answer evcms gave about a credential: what, where, the answer and why' })
export class AuthorizationDecisionType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'As the station (or evcms, for a remote start) sent it' })
  idTag!: string;

  @Field(() => ID, { nullable: true })
  stationId!: string | null;

  @Field(() => String, { description: 'Authorize, StartTransaction, StopTransaction or RemoteStart' })
  purpose!: string;

  @Field(() => String, { description: 'Accepted, Blocked, Expired, Invalid or ConcurrentTx' })
  status!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => Date)
  decidedAt!: Date;

  static fromRow(row: AuthDecisionRow): AuthorizationDecisionType {
    return Object.assign(new AuthorizationDecisionType(), {
      id: String(row.id),
      idTag: row.id_tag,
      stationId: row.station_id,
      purpose: row.purpose,
      status: row.status,
      reason: row.reason,
      decidedAt: new Date(row.decided_at),
    });
  }
}

@ObjectType('LocalListResult', { description: "A station's answer to a new local list" })
export class LocalListResultType {
  @Field(() => String, { description: 'Accepted, Failed, NotSupported or VersionMismatch' })
  status!: string;

  @Field(() => Int, { description: 'The version sent; kept as the station’s once accepted' })
  listVersion!: number;

  @Field(() => Int, { description: 'Entries sent' })
  entries!: number;
}
