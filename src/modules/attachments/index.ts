// Front door of the attachments module: the only file other modules (and app.ts) may import.
// It owns the Attachment table and the stored files; what a file is attached to decides who sees it.
export { default as attachmentsRoutes } from './routes.ts';
export {
  acceptUploads,
  checkUploads,
  recordAttachments,
  removeStoredFiles,
  storeFiles,
  withStoredFiles,
  type CheckedFile,
  type StoredFile,
} from './service.ts';
