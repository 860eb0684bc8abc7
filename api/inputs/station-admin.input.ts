import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Changes to a station: fields left out stay as they are' })
export class UpdateStationInput {
  @Field(() => String, { nullable: true, description: 'null clears the name' })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: "Moves the station to this site (and the site's organisation)" })
  siteId?: string;
}
