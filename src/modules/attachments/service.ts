import { createHash, randomBytes } from 'node:crypto';
import type { DbTx } from '../../plugins/db.ts';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import type { Actor } from '../../actor.ts';
import { attachmentVisibleWhere } from './scope.ts';
import { sniffDocument, sniffImage } from '../../domain/image-sniff.ts';
import type { UploadedFile } from '../../plugins/uploads.ts';

export interface CheckedFile {
  mime: string;
  data: Buffer;
  originalName: string;
  sha256: string;
}

export interface StoredFile extends CheckedFile {
  storageKey: string;
  sizeBytes: number;
}

/**
 * Checks uploads by content and size. Returns the accepted files, or field errors naming each bad file,
 * so the form can say which photo was refused and why.
 */
export function checkUploads(
  files: UploadedFile[],
  field: string,
  limits: { maxFiles: number; maxBytes: number; documents?: boolean },
): { files: CheckedFile[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (files.length > limits.maxFiles) {
    errors.push({ field, code: 'too_many_files', params: { max: limits.maxFiles } });
    return { files: [], errors };
  }
  const checked: CheckedFile[] = [];
  for (const file of files) {
    const name = cleanName(file.filename);
    if (file.truncated || file.data.length > limits.maxBytes) {
      errors.push({ field, code: 'file_too_large', params: { name, maxMb: Math.round((limits.maxBytes / 1048576) * 10) / 10 } });
      continue;
    }
    if (file.data.length === 0) {
      errors.push({ field, code: 'file_empty', params: { name } });
      continue;
    }
    const mime = limits.documents ? sniffDocument(file.data) : sniffImage(file.data);
    if (!mime) {
      errors.push({ field, code: limits.documents ? 'not_a_document' : 'not_an_image', params: { name } });
      continue;
    }
    checked.push({ mime, data: file.data, originalName: name, sha256: createHash('sha256').update(file.data).digest('hex') });
  }
  return { files: checked, errors };
}

/** The accepted files of a form field, or a ValidationFailed naming each refused one (the form comes back). */
export function acceptUploads(
  files: UploadedFile[] | undefined,
  field: string,
  limits: { maxFiles: number; maxBytes: number; documents?: boolean },
): CheckedFile[] {
  const checked = checkUploads(files ?? [], field, limits);
  if (checked.errors.length > 0) throw new ValidationFailed(checked.errors);
  return checked.files;
}

/**
 * Stores the files, then runs the use case that records them (one transaction). If it fails, or turns out
 * to be a repeat that recorded nothing (`duplicate: true`), the files are removed again, so no file is
 * left without its row.
 */
export async function withStoredFiles<T>(
  uploadDir: string,
  files: CheckedFile[],
  useCase: (stored: StoredFile[]) => Promise<T>,
): Promise<T> {
  const stored = await storeFiles(uploadDir, files);
  try {
    const result = await useCase(stored);
    if ((result as { duplicate?: unknown } | null)?.duplicate === true) await removeStoredFiles(uploadDir, stored);
    return result;
  } catch (error) {
    await removeStoredFiles(uploadDir, stored);
    throw error;
  }
}

/** Writes checked files under random names (never the user's name) in the upload directory. */
export async function storeFiles(uploadDir: string, files: CheckedFile[]): Promise<StoredFile[]> {
  if (files.length === 0) return [];
  const day = new Date().toISOString().slice(0, 10);
  const dir = path.join(uploadDir, day);
  await mkdir(dir, { recursive: true });
  const stored: StoredFile[] = [];
  try {
    for (const file of files) {
      const storageKey = `${day}/${randomBytes(16).toString('hex')}`;
      await writeFile(path.join(uploadDir, storageKey), file.data, { flag: 'wx' });
      stored.push({ ...file, storageKey, sizeBytes: file.data.length });
    }
  } catch (error) {
    await removeStoredFiles(uploadDir, stored);
    throw error;
  }
  return stored;
}

/** Removes files whose database rows were never written (the transaction failed). */
export async function removeStoredFiles(uploadDir: string, files: { storageKey: string }[]): Promise<void> {
  await Promise.all(files.map((f) => rm(path.join(uploadDir, f.storageKey), { force: true })));
}

export function storagePath(uploadDir: string, storageKey: string): string {
  const full = path.resolve(uploadDir, storageKey);
  if (!full.startsWith(path.resolve(uploadDir) + path.sep)) throw new Error('storage key escapes the upload directory');
  return full;
}

function cleanName(name: string): string {
  // The original name is only shown back as text; strip path parts and control characters.
  return Array.from(path.basename(name || '').replace(/[\u0000-\u001f\u007f]/g, ''))
    .slice(0, 100)
    .join('');
}

/** What a stored file is attached to: exactly one of these. */
type AttachmentOwner =
  { issueId: number } | { commentId: number } | { eventId: number } | { proposalId: number } | { ledgerEntryId: number };

/** Records stored files as attachments of one owner, in the caller's transaction. */
export async function recordAttachments(
  tx: DbTx,
  stored: Pick<StoredFile, 'storageKey' | 'mime' | 'sizeBytes' | 'originalName' | 'sha256'>[],
  uploaderId: number,
  owner: AttachmentOwner,
  now: Date,
): Promise<void> {
  if (stored.length === 0) return;
  await tx.attachment.createMany({
    data: stored.map((f) => ({
      storageKey: f.storageKey,
      mime: f.mime,
      sizeBytes: f.sizeBytes,
      originalName: f.originalName,
      sha256: f.sha256,
      uploaderId,
      ...owner,
      createdAt: now,
    })),
  });
}

/** A stored file the actor may see (through what it is attached to), or null. */
export function visibleAttachment(db: DbTx, actor: Actor, id: number) {
  return db.attachment.findFirst({ where: { AND: [{ id }, attachmentVisibleWhere(actor)] } });
}
