// Front door of the notifications module (the inbox and the outbox: the Notification table): the only
// file other modules (and app.ts) may import.
export { default as notificationsRoutes } from './routes.ts';
export { jobs } from './jobs.ts';
export { notify, partyRecipients, unreadCount, type NewNotification, type DeliveryChannel } from './service.ts';
export { unreadCountSubquery } from './unread.ts';
