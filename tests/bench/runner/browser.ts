/**
 * A browser as far as the bench needs one, over real HTTP: a cookie jar, the CSRF token of the last page
 * (the hidden `_csrf` field every form carries), urlencoded form posts, and redirects left unfollowed so
 * each status is seen.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();
  /** The `_csrf` field of the last page that had one; bound to the session cookie it came with. */
  csrf = '';

  constructor(
    readonly origin: string,
    readonly name = 'anonymous',
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response, body: string) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attr = (key: string) =>
        attributes
          .map((a) => a.trim())
          .find((a) => a.toLowerCase().startsWith(`${key}=`))
          ?.slice(key.length + 1);
      const maxAge = attr('max-age');
      const expires = attr('expires');
      const gone =
        value === '' ||
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && Date.parse(expires) < Date.now());
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(body);
    if (token?.[1]) this.csrf = token[1];
  }

  async get(path: string): Promise<{ status: number; body: string; location: string | null }> {
    const res = await fetch(this.origin + path, { headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    const body = await res.text();
    this.remember(res, body);
    return { status: res.status, body, location: res.headers.get('location') };
  }

  /** Posts an urlencoded form with the current CSRF token (unless the form has its own). */
  async post(path: string, form: Record<string, string>): Promise<{ status: number; body: string; location: string | null }> {
    const res = await fetch(this.origin + path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody({ _csrf: this.csrf, ...form }),
      redirect: 'manual',
    });
    const body = await res.text();
    this.remember(res, body);
    return { status: res.status, body, location: res.headers.get('location') };
  }

  /**
   * Logs in through the real form (GET /login for the CSRF cookie and field, POST /login), then opens
   * `landing` so the jar holds the new session's CSRF cookie (a browser keeps it; without it every page
   * would mint a fresh secret) and `csrf` holds a token bound to the new session.
   */
  async login(username: string, password: string, landing: string): Promise<{ status: number; body: string }> {
    const form = await this.get('/login');
    if (form.status !== 200) throw new Error(`GET /login answered ${form.status}`);
    const res = await this.post('/login', { username, password });
    if (res.status !== 303) throw new Error(`login as ${username} answered ${res.status}, expected 303`);
    const page = await this.get(landing);
    if (page.status !== 200) throw new Error(`${landing} as ${username} answered ${page.status} after login`);
    return page;
  }
}

export const formBody = (form: Record<string, string>): string => new URLSearchParams(form).toString();

/** `&amp;` and friends back to text (values read out of an HTML attribute). */
export const unescapeHtml = (s: string): string =>
  s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
