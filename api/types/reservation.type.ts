import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('Reservation', { description: 'A reservation sent with reserveNow, and what became of it', simpleResolvers: true })
export class ReservationType {
  @Field(() => Int, { description: 'The OCPP reservationId evcms gave it' })
  reservationId!: number;

  @Field(() => String)
  stationIdentity!: string;

  @Field(() => Int, { description: '0: any connector of the station' })
  connectorId!: number;

  @Field(() => String)
  idTag!: string;

  @Field(() => String, { nullable: true })
  parentIdTag!: string | null;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => String, {
    description:
      "Its state: Requested (no answer yet), the station's answer (Accepted, Faulted, Occupied, Rejected, Unavailable), Failed (not delivered), Cancelled, Used or Expired",
  })
  status!: string;

  @Field(() => Boolean, { description: 'Accepted by the station and not yet past expiresAt' })
  active!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { description: 'When its state last changed' })
  updatedAt!: Date;

  static fromRow(row: Record<string, unknown>, now = Date.now()): ReservationType {
    const expiresAt = new Date(row.expires_at as string);
    return Object.assign(new ReservationType(), {
      reservationId: Number(row.id),
      stationIdentity: row.identity as string,
      connectorId: Number(row.connector_id),
      idTag: row.id_tag as string,
      parentIdTag: (row.parent_id_tag as string | null) ?? null,
      expiresAt,
      status: row.status as string,
      active: row.status === 'Accepted' && expiresAt.getTime() > now,
      createdAt: new Date(row.created_at as string),
      updatedAt: new Date(row.updated_at as string),
    });
  }
}
