import { Type, type Static } from '@sinclair/typebox';

/**
 * What the administration routes accept. Form fields are strings as the browser sends them, bounded in
 * length here; what they mean (a number in range, a phone number, an area above zero) is checked by
 * rules.ts, so each problem comes back inline in the user's language.
 */

export const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
export const IdParams = Type.Object({ id: Id });

export const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  saved: Type.Optional(Type.String({ maxLength: 2 })),
});
export type ListQuery = Static<typeof ListQuery>;

const Csrf = { _csrf: Type.Optional(Type.String()) };
const Line = (max: number) => Type.Optional(Type.String({ maxLength: max * 4 }));
const Number_ = Type.Optional(Type.String({ maxLength: 20 }));
const Checkbox = Type.Optional(Type.Literal('1'));

export const CommunityForm = Type.Object({ ...Csrf, communityName: Line(60), communityDistrict: Line(60) });
export type CommunityForm = Static<typeof CommunityForm>;

export const EstateForm = Type.Object({
  ...Csrf,
  estateName: Line(60),
  estateAddress: Line(200),
  propertyCompanyName: Line(100),
  committeeName: Line(100),
  dutyPhone: Line(30),
});
export type EstateForm = Static<typeof EstateForm>;

export const SettingsForm = Type.Object({
  ...Csrf,
  autoCloseDays: Number_,
  satisfactionWeightPct: Number_,
  deadlineWarningHours: Number_,
  meetingReminderHours: Number_,
  voteReminderHours: Number_,
  bouncingThreshold: Number_,
  minVotingDays: Number_,
  secretBallots: Checkbox,
});
export type SettingsForm = Static<typeof SettingsForm>;

export const BuildingForm = Type.Object({ ...Csrf, buildingName: Line(40), buildingFloors: Number_, buildingOrder: Number_ });
export type BuildingForm = Static<typeof BuildingForm>;

export const UnitForm = Type.Object({
  ...Csrf,
  unitEntrance: Line(10),
  unitRoom: Line(20),
  unitFloor: Number_,
  unitArea: Line(30),
});
export type UnitForm = Static<typeof UnitForm>;

export const CategoryForm = Type.Object({
  ...Csrf,
  categoryNameZh: Line(40),
  categoryNameEn: Line(60),
  responseHours: Number_,
  resolveHours: Number_,
  categoryEmergency: Checkbox,
  defaultParty: Type.Optional(
    Type.Union([Type.Literal('property'), Type.Literal('committee'), Type.Literal('community'), Type.Literal('outside')]),
  ),
  categoryOrder: Number_,
  categoryActive: Checkbox,
});
export type CategoryForm = Static<typeof CategoryForm>;

export const OutsideUnitForm = Type.Object({
  ...Csrf,
  outsideName: Line(60),
  outsideKind: Line(40),
  outsideContact: Line(40),
  outsidePhone: Line(30),
  outsideActive: Checkbox,
});
export type OutsideUnitForm = Static<typeof OutsideUnitForm>;

export const EmptyForm = Type.Object({ ...Csrf });
