import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { RegisterInput, UpdateMeInput } from '../inputs/account.input.js';
import { AuthPayload, UserType } from '../types/account.type.js';

type Person = Extract<Principal, { kind: 'user' }>;

/** The signed-in person (the auth checker let only people in: API keys have no account). */
const person = (context: ApiContext): Person => {
  const principal = context.principal;
  if (principal?.kind !== 'user') throw new ApiError('FORBIDDEN', 'only a signed-in person has an account');
  return principal;
};

/** Your own account: registration, sign-in and out, password reset, profile, closing it. */
@Resolver()
export class AccountResolver {
  @Mutation(() => Boolean, {
    description:
      'Registers a driver. Always true when the input is valid: a confirmation mail goes to the address (or, when it already has an account, a notice to its owner)',
  })
  async register(@Ctx() context: ApiContext, @Arg('input', () => RegisterInput) input: RegisterInput): Promise<boolean> {
    await context.deps.accounts.register(input, context.ip);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Confirms an address with the token mailed at registration' })
  async confirmEmail(@Ctx() context: ApiContext, @Arg('token', () => String) token: string): Promise<boolean> {
    await context.deps.accounts.confirmEmail(token);
    return true;
  }

  @Mutation(() => AuthPayload, {
    description:
      'Signs in. Repeated failures make the next attempts on the account, or from the client address, wait (RATE_LIMITED, extensions.retryAfter in seconds); a device token from an earlier sign-in skips the account wait',
  })
  async login(
    @Ctx() context: ApiContext,
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Arg('deviceToken', () => String, { nullable: true, description: 'The deviceToken an earlier sign-in on this device returned' })
    deviceToken?: string | null,
  ): Promise<AuthPayload> {
    return context.deps.accounts.login(email, password, context.ip, deviceToken);
  }

  @Mutation(() => Boolean, {
    description: "Lifts an account's sign-in delay with the token mailed to its owner when it started; once per token",
  })
  async unlockAccount(@Ctx() context: ApiContext, @Arg('token', () => String) token: string): Promise<boolean> {
    await context.deps.accounts.unlockAccount(token);
    return true;
  }

  @Mutation(() => AuthPayload, { description: 'Trades a refresh token for a new pair; the one given stops working' })
  async refreshToken(@Ctx() context: ApiContext, @Arg('refreshToken', () => String) refreshToken: string): Promise<AuthPayload> {
    return context.deps.accounts.refresh(refreshToken);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER')
  @Mutation(() => Boolean, { description: 'Ends this access token and, when given, the sign-in its refresh token belongs to' })
  async logout(
    @Ctx() context: ApiContext,
    @Arg('refreshToken', () => String, { nullable: true }) refreshToken?: string | null,
  ): Promise<boolean> {
    const me = person(context);
    await context.deps.accounts.logout({ id: me.id, tokenId: me.tokenId }, refreshToken);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Mails a reset link when the address has an account; always true' })
  async requestPasswordReset(@Ctx() context: ApiContext, @Arg('email', () => String) email: string): Promise<boolean> {
    await context.deps.accounts.requestPasswordReset(email, context.ip);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with the mailed token; every sign-in of the account ends' })
  async resetPassword(
    @Ctx() context: ApiContext,
    @Arg('token', () => String) token: string,
    @Arg('password', () => String) password: string,
  ): Promise<boolean> {
    await context.deps.accounts.resetPassword(token, password);
    return true;
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER')
  @Mutation(() => Boolean, { description: 'Closes your account and erases your personal data; charging history stays, anonymous' })
  async deleteAccount(@Ctx() context: ApiContext, @Arg('password', () => String) password: string): Promise<boolean> {
    await context.deps.accounts.deleteAccount(person(context).id, password);
    return true;
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER')
  @Mutation(() => UserType, { description: 'Changes your name, phone or language' })
  async updateMe(@Ctx() context: ApiContext, @Arg('input', () => UpdateMeInput) input: UpdateMeInput): Promise<UserType> {
    return UserType.from(await context.deps.accounts.updateProfile(person(context).id, input));
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER')
  @Query(() => UserType, { nullable: true, description: 'The signed-in person' })
  async me(@Ctx() context: ApiContext): Promise<UserType | null> {
    const user = await context.deps.accounts.profile(person(context).id);
    return user ? UserType.from(user) : null;
  }
}
