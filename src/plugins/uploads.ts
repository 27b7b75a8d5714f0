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
