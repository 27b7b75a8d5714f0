// Front door of the dashboard module (the community's figures; it owns no table): the only file other
// modules (and app.ts) may import.
export { default as dashboardRoutes } from './routes.ts';
