// Front door of the notifications module (the inbox and the outbox: the Notification table, and each
// reader's NotificationPreference): the only file other modules (and app.ts) may import.
export { default as notificationsRoutes } from './routes.ts';
export { jobs } from './jobs.ts';
export { notify, type NewNotification } from './notify.ts';
export { partyRecipients, unreadCount, type DeliveryChannel } from './service.ts';
export { unreadCountSubquery } from './unread.ts';
