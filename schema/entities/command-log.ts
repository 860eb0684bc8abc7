import { defineEntity, p } from '@mikro-orm/core';
import { Station } from './station.js';

/** The audit of every command sent to a station: who, when, what, and what came back. */
export const CommandLogSchema = defineEntity({
  name: 'CommandLog',
  indexes: [{ properties: ['station', 'requestedAt'] }, { properties: ['requestedAt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: () => p.manyToOne(Station),
    action: p.string(),
    request: p.json<unknown>(),
    response: p.json<unknown>().nullable(),
    /** ok, or why not: offline, timeout, an OCPP error code, invalid. */
    outcome: p.string(),
    error: p.text().nullable(),
    /** Who asked: a user or API key id, or "system". */
    actor: p.string().default('system'),
    requestedAt: p.datetime(),
    completedAt: p.datetime(),
  },
});
export class CommandLog extends CommandLogSchema.class {}
CommandLogSchema.setClass(CommandLog);
