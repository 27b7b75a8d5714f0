import { Type } from '@sinclair/typebox';

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
/** An id as a form sends it: digits only, within the id range (nine digits at most). */
const IdText = Type.String({ pattern: '^[1-9][0-9]{0,8}$' });

export const LedgerQuery = Type.Object({
  estate: Type.Optional(Id),
  recorded: Type.Optional(Type.String({ maxLength: 2 })),
});

/** The spending form's text fields; its receipts are checked as uploads. */
export const SpendForm = Type.Object({
  estateId: Type.Union([Type.Literal(''), IdText], { default: '' }),
  proposalId: Type.Union([Type.Literal(''), IdText], { default: '' }),
  amount: Type.String({ maxLength: 40, default: '' }),
  note: Type.String({ maxLength: 4000, default: '' }),
});

/** Where each form field's errors are shown on the page. */
export const SPEND_FIELDS = { estateId: 'form', proposalId: 'spendProposal', amount: 'spendAmount', note: 'spendNote' } as const;
