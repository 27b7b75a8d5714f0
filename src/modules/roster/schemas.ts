import { Type } from '@sinclair/typebox';

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
/** An id as a form sends it: digits only, within the id range (nine digits at most). */
const IdText = Type.String({ pattern: '^[1-9][0-9]{0,8}$' });

export const IdParams = Type.Object({ id: Id });

export const RosterQuery = Type.Object({
  estate: Type.Optional(Id),
  saved: Type.Optional(Type.String({ maxLength: 2 })),
});

/** The import form's text fields (the file itself is checked by the parser). */
export const ImportForm = Type.Object({
  estateId: Type.Union([Type.Literal(''), IdText], { default: '' }),
});

export const UnitForm = Type.Object({
  area: Type.String({ maxLength: 40, default: '' }),
  floor: Type.String({ maxLength: 10, default: '' }),
  developerUnsold: Type.Union([Type.Literal(''), Type.Literal('1')], { default: '' }),
  owners: Type.String({ maxLength: 4000, default: '' }),
});

/** Where each form field's errors are shown on the page. */
export const UNIT_FIELDS = { area: 'unitArea', floor: 'unitFloor', developerUnsold: 'unitOwners', owners: 'unitOwners' } as const;
