// Front door of the places module: the reference data (communities, estates, buildings, units,
// categories, settings). Other modules import from here only.
export {
  estatesByIds,
  allEstateIds,
  communityOfEstate,
  buildingsOfEstate,
  activeCategories,
  allCategories,
  categoryById,
  unitWithBuilding,
  settingValue,
} from './queries.ts';
