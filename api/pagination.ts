import { type ClassType, Field, InputType, Int, ObjectType, ArgsType } from 'type-graphql';
import { badInput } from './errors.js';

export const maxPageSize = 100;

@ObjectType({ description: 'Where a page sits in its list', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1 to ${maxPageSize} (default 20)` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page' })
  after?: string;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A Relay connection type for `node`: edges, nodes, pageInfo and totalCount. */
export function ConnectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeClass {
    @Field(() => node)
    node!: T;

    @Field(() => String)
    cursor!: string;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects`, simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [EdgeClass])
    edges!: EdgeClass[];

    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many match the filter, all pages together' })
    totalCount!: number;
  }
  return ConnectionClass as ClassType<Connection<T>>;
}

const encode = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

/** The offset and size a page asks for; a bad cursor or size is the caller's error. */
export function pageWindow(args: PageArgs): { offset: number; limit: number } {
  const limit = args.first ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) throw badInput(`first: expected 1 to ${maxPageSize}`, 'first');
  if (!args.after) return { offset: 0, limit };
  const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
  const match = /^o:(\d+)$/.exec(decoded);
  if (!match) throw badInput('after: not a cursor from this list', 'after');
  return { offset: Number(match[1]) + 1, limit };
}

/** Builds the connection from a window's rows (fetched with limit + 1 to know if more follow). */
export function toConnection<T>(rows: T[], total: number, window: { offset: number; limit: number }): Connection<T> {
  const page = rows.slice(0, window.limit);
  const edges = page.map((node, i) => ({ node, cursor: encode(window.offset + i) }));
  return {
    edges,
    nodes: page,
    totalCount: total,
    pageInfo: {
      hasNextPage: window.offset + page.length < total,
      hasPreviousPage: window.offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

@InputType({ description: 'A time range; either end may be left open' })
export class TimeRange {
  @Field(() => Date, { nullable: true })
  from?: Date;

  @Field(() => Date, { nullable: true })
  to?: Date;
}
