// Front door of the home module: the only file other modules (and app.ts) may import.
export { default as homeRoutes } from './routes.ts';
