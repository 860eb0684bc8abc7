import { Field, ObjectType } from 'type-graphql';
import { StationType } from './station.type.js';

@ObjectType('RegistrationChange', { description: 'A pending station accepted or rejected, and whether it was told at once' })
export class RegistrationChangeType {
  @Field(() => StationType)
  station!: StationType;

  @Field(() => String, {
    nullable: true,
    description:
      'The answer to TriggerMessage BootNotification (Accepted, Rejected, ...), timeout, or null when the station was not connected',
  })
  bootTrigger!: string | null;
}

@ObjectType('RotatedPassword', { description: "A station's new OCPP password, shown once" })
export class RotatedPasswordType {
  @Field(() => StationType)
  station!: StationType;

  @Field(() => String, { description: 'Shown once: the Basic auth password the station uses from now on' })
  ocppPassword!: string;

  @Field(() => Boolean, {
    description: 'Whether the station took it (as AuthorizationKey) before it was stored; false: it was not connected',
  })
  pushed!: boolean;

  @Field(() => Boolean, {
    description:
      'false: the station did not answer in time and may or may not have taken it; both passwords are accepted until it logs in with one',
  })
  confirmed!: boolean;
}
