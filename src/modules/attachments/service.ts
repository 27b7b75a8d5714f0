import { createHash, randomBytes } from 'node:crypto';
import type { DbTx } from '../../plugins/db.ts';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import type { Actor } from '../../actor.ts';
import { attachmentVisibleWhere } from './scope.ts';
import sharp, { type Sharp } from 'sharp';
import { sniffDocument, sniffImage, type ImageMime } from '../../domain/image-sniff.ts';
import type { UploadedFile } from '../../plugins/uploads.ts';

export interface CheckedFile {
  mime: string;
  data: Buffer;
  originalName: string;
  sha256: string;
  /** The form field it came in, so a photo that fails to decode is reported there. */
  field?: string;
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
    checked.push({
      mime,
      data: file.data,
      originalName: name,
      sha256: createHash('sha256').update(file.data).digest('hex'),
      field,
    });
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

/**
 * Writes a new file and flushes it to the disk before the row naming it can commit (the database commits
 * with synchronous=FULL): after a power cut, a photo whose row survived is there too. The directory entry
 * is flushed as well, once per batch, by `storeFiles`.
 */
async function writeDurably(file: string, data: Buffer): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes checked files under random names (never the user's name) in the upload directory. Images are
 * re-encoded first (see `withoutMetadata`), so what is stored, hashed and served carries no EXIF or GPS.
 */
export async function storeFiles(uploadDir: string, files: CheckedFile[]): Promise<StoredFile[]> {
  if (files.length === 0) return [];
  const clean = await Promise.all(files.map(withoutMetadata));
  const day = new Date().toISOString().slice(0, 10);
  const dir = path.join(uploadDir, day);
  await mkdir(dir, { recursive: true });
  const stored: StoredFile[] = [];
  try {
    for (const file of clean) {
      const storageKey = `${day}/${randomBytes(16).toString('hex')}`;
      await writeDurably(path.join(uploadDir, storageKey), file.data);
      stored.push({ ...file, storageKey, sizeBytes: file.data.length });
    }
    await syncDirectory(dir);
  } catch (error) {
    await removeStoredFiles(uploadDir, stored);
    throw error;
  }
  return stored;
}

/** What sharp writes each accepted image type as: the same format it came in. */
const REENCODE: Record<ImageMime, (image: Sharp) => Sharp> = {
  'image/jpeg': (image) => image.jpeg({ quality: 90, mozjpeg: true }),
  'image/png': (image) => image.png(),
  'image/webp': (image) => image.webp({ quality: 90 }),
};

/** Largest image decoded, in pixels (a 48 MP phone photo is well inside): a small file that decodes to
 * a giant bitmap is refused rather than allowed to exhaust memory. */
const MAX_PIXELS = 100_000_000;

/**
 * A photo from a phone carries EXIF: where it was taken (GPS), when, and the device. Residents photograph
 * their own homes, so an image is decoded and encoded again in its own format without any metadata
 * (`rotate()` first applies the EXIF orientation to the pixels, so the photo still stands up). PDFs are
 * stored as they came. An image that sniffed right but does not decode is refused on the form.
 */
async function withoutMetadata(file: CheckedFile): Promise<CheckedFile> {
  const reencode = REENCODE[file.mime as ImageMime] as ((image: Sharp) => Sharp) | undefined;
  if (!reencode) return file;
  let data: Buffer;
  try {
    // Full size: a photo of a signed ballot or a receipt must stay legible as evidence.
    data = await reencode(sharp(file.data, { failOn: 'error', limitInputPixels: MAX_PIXELS }).rotate()).toBuffer();
  } catch {
    throw new ValidationFailed([{ field: file.field ?? 'photos', code: 'not_an_image', params: { name: file.originalName } }]);
  }
  return { ...file, data, sha256: createHash('sha256').update(data).digest('hex') };
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
  | { issueId: number }
  | { commentId: number }
  | { eventId: number }
  | { proposalId: number }
  | { ledgerEntryId: number }
  | { ballotChangeId: number }
  | { noticeId: number };

/**
 * Records stored files as attachments of one owner, in the caller's transaction, and returns how many
 * rows it wrote (an owner that keeps a count of its files adds this in the same transaction). `purpose`
 * says what a file is where its owner has several kinds (a ballot change's signed `ballot` or written `proxy`).
 */
export async function recordAttachments(
  tx: DbTx,
  stored: Pick<StoredFile, 'storageKey' | 'mime' | 'sizeBytes' | 'originalName' | 'sha256'>[],
  uploaderId: number,
  owner: AttachmentOwner,
  now: Date,
  purpose = '',
): Promise<number> {
  if (stored.length === 0) return 0;
  const { count } = await tx.attachment.createMany({
    data: stored.map((f) => ({
      storageKey: f.storageKey,
      mime: f.mime,
      sizeBytes: f.sizeBytes,
      originalName: f.originalName,
      sha256: f.sha256,
      uploaderId,
      ...owner,
      purpose,
      createdAt: now,
    })),
  });
  return count;
}

/** A stored file the actor may see (through what it is attached to), or null. */
export function visibleAttachment(db: DbTx, actor: Actor, id: number) {
  return db.attachment.findFirst({ where: { AND: [{ id }, attachmentVisibleWhere(actor)] } });
}
