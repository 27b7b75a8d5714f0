import path from 'node:path';
import fp from 'fastify-plugin';
import fastifyView from '@fastify/view';
import nunjucks from 'nunjucks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pickLocale, translator, type Locale, type Translate } from '../i18n/index.ts';
import { formatDuration, formatShanghai, formatShanghaiLocal } from '../domain/deadlines.ts';
import { formatFen, formatArea } from '../domain/money.ts';
import { maskName, maskPhone } from '../domain/privacy.ts';

export const LOCALE_COOKIE = 'lang';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    t: Translate;
    isHtmx: boolean;
  }
  interface FastifyReply {
    /** Renders a template with what every page needs (actor, language, CSRF token, unread count). */
    page(template: string, data?: Record<string, unknown>): Promise<FastifyReply>;
  }
}

interface ViewsOptions {
  root: string;
  /** The signed-in user's unread notifications, shown in every page's header (the app passes the
   * notifications module's count: this plugin imports no module). */
  unreadCount: (userId: number) => Promise<number>;
}

export default fp<ViewsOptions>(
  async (app, opts) => {
    await app.register(fastifyView, {
      engine: { nunjucks },
      root: path.join(opts.root, 'views'),
      options: {
        autoescape: true,
        throwOnUndefined: false,
        onConfigure(env: nunjucks.Environment) {
          env.addFilter('fen', (v: number | null | undefined) => (typeof v === 'number' ? formatFen(v) : ''));
          env.addFilter('area', (v: number | null | undefined) => (typeof v === 'number' ? formatArea(v) : ''));
          env.addFilter('maskName', (v: string) => maskName(v ?? ''));
          env.addFilter('maskPhone', (v: string) => maskPhone(v ?? ''));
          env.addFilter('isoLocal', (v: Date | null | undefined) => (v ? formatShanghaiLocal(new Date(v)) : ''));
          // A place or category's name in the page's language: `{{ c | localName(locale) }}`.
          env.addFilter('localName', (v: { nameZh: string; nameEn: string } | null | undefined, locale: string) =>
            v ? (locale === 'zh-CN' ? v.nameZh : v.nameEn) : '',
          );
        },
      },
    });

    app.decorateRequest('locale', 'zh-CN');
    app.decorateRequest('t', null as unknown as Translate);
    app.decorateRequest('isHtmx', false);

    app.addHook('preHandler', async (request: FastifyRequest) => {
      setLocale(request);
    });

    app.decorateReply('page', async function page(this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      const request = this.request;
      if (!request.t) setLocale(request);
      const actor = request.actor;
      // Read with the session in the same statement; counted afresh only when the session was not loaded
      // by this request (signed in during it).
      const unreadCount = actor && !request.isHtmx ? (request.unreadCount ?? (await opts.unreadCount(actor.userId))) : 0;
      const locale = request.locale;
      const ctx = {
        t: request.t,
        locale,
        actor,
        csrfToken: this.generateCsrf(),
        unreadCount,
        currentPath: request.url,
        isHtmx: request.isHtmx,
        dt: (d: Date | string | null | undefined) => (d ? formatShanghai(new Date(d), locale) : ''),
        duration: (minutes: number) => formatDuration(minutes, locale),
        ...data,
      };
      this.type('text/html; charset=utf-8');
      // Pages carry personal data and a CSRF token: never kept by a shared cache or shown again from the
      // browser's cache after logout. One URL answers htmx with a fragment and browsers with a page.
      if (!this.hasHeader('cache-control')) this.header('cache-control', 'private, no-store');
      this.header('vary', 'HX-Request');
      return this.view(template, ctx);
    });
  },
  { name: 'views', dependencies: ['session'] },
);

function setLocale(request: FastifyRequest) {
  request.isHtmx = request.headers['hx-request'] === 'true';
  request.locale = pickLocale(request.cookies?.[LOCALE_COOKIE], request.actor?.locale, request.headers['accept-language']);
  request.t = translator(request.locale);
}
