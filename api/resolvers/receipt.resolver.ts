import { Arg, Ctx, FieldResolver, Resolver, Root, registerEnumType } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { InvoiceType } from '../types/billing.type.js';

export enum ReceiptFormatValue {
  PDF = 'pdf',
  HTML = 'html',
}
registerEnumType(ReceiptFormatValue, { name: 'ReceiptFormat', description: 'A receipt as a PDF file or an HTML page' });

@Resolver(() => InvoiceType)
export class ReceiptResolver {
  @FieldResolver(() => String, {
    description:
      'Where its receipt is downloaded (GET, with the same Bearer credential): the payer and the issuing organisation may; ?lang=en|fr|rw picks the language',
  })
  receiptUrl(
    @Root() invoice: InvoiceType,
    @Ctx() context: ApiContext,
    @Arg('format', () => ReceiptFormatValue, { defaultValue: ReceiptFormatValue.PDF }) format: ReceiptFormatValue,
  ): string {
    return context.deps.receipts.url(invoice.id, format);
  }
}
