import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { checkLegalDetails } from '../../billing/receipts/legal-details.js';
import type { ApiContext } from '../context.js';
import { OperatorLegalDetailsInput } from '../inputs/operator-legal.input.js';
import { OperatorLegalDetailsType } from '../types/operator-legal.type.js';
import { OrganisationType } from '../types/organisation.type.js';
import { visibleOrganisation } from '../visible.js';

@Resolver(() => OrganisationType)
export class OperatorLegalResolver {
  @FieldResolver(() => OperatorLegalDetailsType, {
    nullable: true,
    description: 'What its receipts print of it; null until set (setOperatorLegalDetails)',
  })
  async legalDetails(@Root() organisation: OrganisationType, @Ctx() context: ApiContext): Promise<OperatorLegalDetailsType | null> {
    const row = await context.loaders.organisation.load(organisation.id);
    return row ? OperatorLegalDetailsType.from(row) : null;
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => OrganisationType, {
    description: "Sets the legal details an organisation's receipts print (its operators, or an admin); an error names the field",
  })
  async setOperatorLegalDetails(
    @Ctx() context: ApiContext,
    @Arg('organisationId', () => ID) organisationId: string,
    @Arg('input', () => OperatorLegalDetailsInput) input: OperatorLegalDetailsInput,
  ): Promise<OrganisationType> {
    // Another organisation's reads as not found, as everywhere.
    const organisation = await visibleOrganisation(context, organisationId);
    context.em.assign(organisation, checkLegalDetails(input));
    await context.em.flush();
    return OrganisationType.from(organisation);
  }
}
