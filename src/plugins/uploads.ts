import type { MultipartFile } from '@fastify/multipart';

/** A file part of a multipart form, buffered in memory (the size limit bounds it). */
export interface UploadedFile {
  kind: 'file';
  fieldname: string;
  filename: string;
  declaredType: string;
  data: Buffer;
  /** The file was larger than the limit and was cut off. */
  truncated: boolean;
}

/**
 * @fastify/multipart onFile hook: buffer each file part so the handler sees every field and every file
 * together (and the CSRF hook sees the token) before anything is written.
 */
export async function bufferUpload(part: MultipartFile): Promise<void> {
  const data = await part.toBuffer();
  const uploaded: UploadedFile = {
    kind: 'file',
    fieldname: part.fieldname,
    filename: part.filename,
    declaredType: part.mimetype,
    data,
    truncated: part.file.truncated,
  };
  (part as unknown as { value: UploadedFile }).value = uploaded;
}

/** Reads a field of a multipart or urlencoded body as text ('' if absent). */
export function fieldText(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const one = Array.isArray(value) ? value[0] : value;
  if (typeof one === 'string') return one;
  if (one && typeof one === 'object' && 'value' in one && typeof one.value === 'string') return one.value;
  return '';
}

/** The uploaded files of a field, skipping the empty part a browser sends when no file is chosen. */
export function fieldFiles(body: unknown, name: string): UploadedFile[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const parts = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const files: UploadedFile[] = [];
  for (const part of parts) {
    const file = (part as { value?: unknown })?.value as UploadedFile | undefined;
    if (file && file.kind === 'file' && (file.data.length > 0 || file.filename !== '')) files.push(file);
  }
  return files;
}
