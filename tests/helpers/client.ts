import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PASSWORD } from './world.ts';

/**
 * A browser-like client over app.inject: keeps cookies, reads the CSRF token from the last page, and
 * posts forms (urlencoded or multipart) the way a browser would.
 */
export class Client {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.value === '' || (c.expires !== undefined && c.expires.getTime() < Date.now()) || c.maxAge === 0;
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m?.[1]) this.csrf = m[1];
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  /** Posts an urlencoded form; the CSRF token is added unless the form already has _csrf. */
  async post(url: string, form: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    if (!('_csrf' in form)) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    this.remember(res);
    return res;
  }

  /** Posts multipart/form-data with files: { field: [{ filename, contentType, data }] }. */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    files: Record<string, { filename: string; contentType: string; data: Buffer }[]> = {},
  ) {
    const boundary = `----sanfang${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    const all = { _csrf: this.csrf, ...fields };
    for (const [k, v] of Object.entries(all)) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    for (const [k, list] of Object.entries(files)) {
      for (const f of list) {
        chunks.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType}\r\n\r\n`,
          ),
        );
        chunks.push(f.data, Buffer.from('\r\n'));
      }
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: Buffer.concat(chunks),
      headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    this.remember(res);
    return res;
  }
}

/** A client logged in as `username` (the world's shared password). */
export async function loginAs(app: FastifyInstance, username: string, password = PASSWORD): Promise<Client> {
  const client = new Client(app);
  await client.get('/login');
  const res = await client.post('/login', { username, password });
  if (res.statusCode !== 303) throw new Error(`login as ${username} failed: ${res.statusCode}`);
  await client.get('/account/password'); // a page with a fresh CSRF token for the new session
  return client;
}

/** The smallest valid images of each accepted type, and things that only pretend to be images. */
export const IMAGES = {
  // 1×1 pixels that decode: uploads are re-encoded (EXIF dropped), so a header alone is refused.
  png: Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000970485973000003e8000003e801b57b526b0000000d494441540899636060606000000005000187a14ed40000000049454e44ae426082',
    'hex',
  ),
  jpeg: Buffer.from(
    'ffd8ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb0043011112121815182f1a1a2f634238426363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363ffc00011080001000103012200021101031101ffc4001500010100000000000000000000000000000003ffc40014100100000000000000000000000000000000ffc40014010100000000000000000000000000000005ffc40014110100000000000000000000000000000000ffda000c03010002110311003f00a0018b3fffd9',
    'hex',
  ),
  webp: Buffer.from('524946461e000000574542505650384c110000002f000000000750bc2217a5ff8188e87f0000', 'hex'),
  fakeJpeg: Buffer.from('<html><script>alert(1)</script></html>'),
};
