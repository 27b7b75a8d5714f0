import { ValidationFailed, type FieldError } from '../../errors.ts';
import {
  MAX_DEADLINE_HOURS,
  SETTING_BOUNDS,
  SETTING_KEYS,
  areaField,
  intField,
  phoneField,
  textField,
  type SettingKey,
} from './rules.ts';
import type {
  BuildingForm,
  CategoryForm,
  CommunityForm,
  EstateForm,
  OutsideUnitForm,
  SettingsForm,
  UnitForm,
} from './schemas.ts';

/**
 * Each administration form turned into the row it writes, or a ValidationFailed carrying one inline
 * error per field. Pure: no database, so the rules are the same for create and update.
 */

function done<T>(errors: FieldError[], value: T): T {
  if (errors.length > 0) throw new ValidationFailed(errors);
  return value;
}

export function communityData(form: CommunityForm) {
  const errors: FieldError[] = [];
  const name = textField(errors, 'communityName', form.communityName, { required: true, max: 60 });
  const district = textField(errors, 'communityDistrict', form.communityDistrict, { required: false, max: 60 });
  return done(errors, { name, district });
}

export function estateData(form: EstateForm) {
  const errors: FieldError[] = [];
  const name = textField(errors, 'estateName', form.estateName, { required: true, max: 60 });
  const address = textField(errors, 'estateAddress', form.estateAddress, { required: false, max: 200 });
  const propertyCompanyName = textField(errors, 'propertyCompanyName', form.propertyCompanyName, { required: false, max: 100 });
  const committeeName = textField(errors, 'committeeName', form.committeeName, { required: false, max: 100 });
  const dutyPhone = phoneField(errors, 'dutyPhone', form.dutyPhone, false);
  return done(errors, { name, address, propertyCompanyName, committeeName, dutyPhone });
}

export function settingsData(form: SettingsForm) {
  const errors: FieldError[] = [];
  const numbers = {} as Record<SettingKey, number>;
  for (const key of SETTING_KEYS) numbers[key] = intField(errors, key, form[key], SETTING_BOUNDS[key]);
  return done(errors, { ...numbers, secretBallots: form.secretBallots === '1' });
}

export function buildingData(form: BuildingForm) {
  const errors: FieldError[] = [];
  const name = textField(errors, 'buildingName', form.buildingName, { required: true, max: 40 });
  const floors = intField(errors, 'buildingFloors', form.buildingFloors || '0', { min: 0, max: 200 });
  const sortOrder = intField(errors, 'buildingOrder', form.buildingOrder || '0', { min: 0, max: 99999 });
  return done(errors, { name, floors, sortOrder });
}

export function unitData(form: UnitForm) {
  const errors: FieldError[] = [];
  const entrance = textField(errors, 'unitEntrance', form.unitEntrance || '1', { required: true, max: 10 });
  const room = textField(errors, 'unitRoom', form.unitRoom, { required: true, max: 20 });
  const floor = intField(errors, 'unitFloor', form.unitFloor, { min: -10, max: 200 });
  const areaCentiM2 = areaField(errors, 'unitArea', form.unitArea);
  return done(errors, { entrance, room, floor, areaCentiM2 });
}

export function categoryData(form: CategoryForm) {
  const errors: FieldError[] = [];
  const nameZh = textField(errors, 'categoryNameZh', form.categoryNameZh, { required: true, max: 40 });
  const nameEn = textField(errors, 'categoryNameEn', form.categoryNameEn, { required: true, max: 60 });
  const hours = { min: 1, max: MAX_DEADLINE_HOURS, belowCode: 'place_positive' };
  const responseHours = intField(errors, 'responseHours', form.responseHours, hours);
  const resolveHours = intField(errors, 'resolveHours', form.resolveHours, hours);
  if (!errors.some((e) => e.field === 'responseHours' || e.field === 'resolveHours') && resolveHours < responseHours) {
    errors.push({ field: 'resolveHours', code: 'place_resolve_before_response' });
  }
  const sortOrder = intField(errors, 'categoryOrder', form.categoryOrder || '0', { min: 0, max: 99999 });
  return done(errors, {
    nameZh,
    nameEn,
    responseHours,
    resolveHours,
    emergency: form.categoryEmergency === '1',
    defaultParty: form.defaultParty ?? 'property',
    sortOrder,
    active: form.categoryActive === '1',
  });
}

export function outsideUnitData(form: OutsideUnitForm) {
  const errors: FieldError[] = [];
  const name = textField(errors, 'outsideName', form.outsideName, { required: true, max: 60 });
  const kind = textField(errors, 'outsideKind', form.outsideKind, { required: false, max: 40 });
  const contactName = textField(errors, 'outsideContact', form.outsideContact, { required: false, max: 40 });
  const phone = phoneField(errors, 'outsidePhone', form.outsidePhone, false);
  return done(errors, { name, kind, contactName, phone, active: form.outsideActive === '1' });
}
