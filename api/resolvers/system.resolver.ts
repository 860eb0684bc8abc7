import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';

@ObjectType({ description: 'The evcms process that answered' })
export class SystemInfo {
  @Field(() => String)
  version!: string;

  @Field(() => String, { description: 'The node id other processes route to' })
  node!: string;

  @Field(() => [String], { description: 'Roles this process runs: ocpp, api, workers' })
  roles!: string[];
}

@Resolver()
export class SystemResolver {
  @Query(() => SystemInfo, { description: 'What is serving this API' })
  system(@Ctx() { deps }: ApiContext): SystemInfo {
    return { version: deps.version, node: deps.nodeId, roles: deps.config.ROLES };
  }
}
