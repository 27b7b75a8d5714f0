import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireActor, actorOf } from '../../lib/guards.ts';
import { NotFound } from '../../errors.ts';
import { storagePath, visibleAttachment } from './service.ts';

export default async function attachmentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  /**
   * Serves a stored file to someone who may see what it is attached to. Never as HTML: the type is the
   * sniffed one recorded at upload, nosniff is set, and a sandbox CSP neuters anything active.
   */
  app.get(
    '/attachments/:id',
    { preHandler: requireActor, schema: { params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }) } },
    async (request, reply) => {
      const file = await visibleAttachment(app.db, actorOf(request), request.params.id);
      if (!file) throw new NotFound();
      const fullPath = storagePath(app.config.uploadDir, file.storageKey);
      const info = await stat(fullPath).catch(() => null);
      if (!info) throw new NotFound();
      const safeName = encodeURIComponent(file.originalName || `attachment-${file.id}`);
      return reply
        .header('Content-Type', file.mime)
        .header('Content-Length', String(info.size))
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Cache-Control', 'private, no-store')
        .header(
          'Content-Disposition',
          `${file.mime === 'application/pdf' ? 'attachment' : 'inline'}; filename*=UTF-8''${safeName}`,
        )
        .send(createReadStream(fullPath));
    },
  );
}
