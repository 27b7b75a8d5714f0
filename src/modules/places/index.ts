// Front door of the places module: the reference data (communities, estates, buildings, units,
// categories, settings). Other modules import from here only.
export {
  estatesByIds,
  allEstateIds,
  allEstates,
  communityOfEstate,
  buildingsOfEstate,
  activeCategories,
  allCategories,
  categoryById,
  unitWithBuilding,
  settingValue,
} from './queries.ts';
export { buildingsOfEstates, countBuildingsOfEstate, unitsOfEstate, buildingsWithUnits } from './queries.ts';
export { buildingsWithEstateName } from './queries.ts';
export { upsertRosterPlaces, updateUnitFacts } from './commands.ts';
export { estateByJoinCode, unitsOfBuilding } from './queries.ts';
export { allCommunities } from './queries.ts';
// Administration of places (issue #9): the routes, and the per-estate settings other modules read.
export { default as placesRoutes } from './routes.ts';
export { estateSettings, estateContacts, type EstateSettings } from './admin-queries.ts';
export { ensureDefaultCategories } from './default-categories.ts';
// What the issue reminders (预警, agenda proposals) run on.
export { estateReminderSettings, agendaOverdueDays, AGENDA_OVERDUE_DAYS_KEY } from './reminder-settings.ts';
