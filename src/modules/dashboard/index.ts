// Front door of the dashboard module (the 三率 and the other figures for community, property, committee and
// admin staff, each in their scope; it owns no table): the only file other modules (and app.ts) may import.
export { default as dashboardRoutes } from './routes.ts';
