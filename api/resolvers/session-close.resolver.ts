import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { closeLostStops } from '../../sessions/lost-stops.js';
import type { ApiContext } from '../context.js';
import { ApiError, badInput } from '../errors.js';
import { ChargingSessionType } from '../types/session.type.js';
import { visibleSession } from './session.resolver.js';

/** Operators close a session whose stop never came, by hand (the stop the station may still send replaces it). */
@Resolver(() => ChargingSessionType)
export class SessionCloseResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => ChargingSessionType, {
    description:
      'Closes an open session whose stop never came, with the last reading evcms has; held for review before it is billed. Who and why are kept as its stopReason',
  })
  async closeSession(
    @Ctx() context: ApiContext,
    @Arg('sessionId', () => ID) sessionId: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<ChargingSessionType> {
    const session = await visibleSession(context, sessionId);
    const note = reason.trim();
    if (!note || note.length > 200) throw badInput('reason: expected 1 to 200 characters: why it is closed', 'reason');
    const actor = (context.principal as Principal).id;
    const [closed] = await closeLostStops(context.deps, { kind: 'operator', sessionId: session.id, actor, note });
    if (!closed) throw new ApiError('CONFLICT', `session ${sessionId} is not open`);
    context.deps.log.warn({ sessionId, actor, reason: note }, 'sessions: closed by hand for want of its stop');
    context.em.clear();
    return visibleSession(context, sessionId);
  }
}
