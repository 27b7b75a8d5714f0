import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { storeFiles } from '../../src/modules/attachments/index.ts';

/**
 * Issue #10, item 10: a photo from a phone carries where it was taken. Every uploaded image is re-encoded
 * without its metadata before it is stored; a PDF is stored as it came.
 */

let t: TestApp;
let w: World;
let resident: Client;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  resident = await loginAs(t.app, 'residenta');
});
afterAll(async () => t.close());

const CAMERA = 'LeakyPhone-X1';
const EXIF = {
  IFD0: { Make: CAMERA, Model: 'Model-GPS-Test' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 35/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '114/1 17/1 0/1' },
};

/** A 4×2 photo taken "rotated" (EXIF orientation 6), with the camera and a GPS position in its EXIF. */
async function photoWithGps(format: 'jpeg' | 'png' | 'webp'): Promise<Buffer> {
  const image = sharp({ create: { width: 4, height: 2, channels: 3, background: { r: 200, g: 120, b: 40 } } });
  return image.withMetadata({ exif: EXIF, orientation: 6 })[format]().toBuffer();
}

/** The latitude's seconds as EXIF writes them (the rational 1234/100), in either byte order. */
function hasGpsLatitude(data: Buffer): boolean {
  const be = Buffer.alloc(8);
  be.writeUInt32BE(1234, 0);
  be.writeUInt32BE(100, 4);
  const le = Buffer.alloc(8);
  le.writeUInt32LE(1234, 0);
  le.writeUInt32LE(100, 4);
  return data.includes(be) || data.includes(le);
}

const storedFile = (storageKey: string) => readFileSync(path.join(t.config.uploadDir, storageKey));

const uploadedCount = () => {
  const dir = t.config.uploadDir;
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, day) => n + readdirSync(path.join(dir, day)).length, 0);
};

let seq = 0;
async function fileIssueWith(photo: { filename: string; contentType: string; data: Buffer }) {
  await resident.get('/issues/new');
  seq += 1;
  return resident.postMultipart(
    '/issues',
    {
      categoryId: String(w.cat('roof_leak').id),
      locationType: 'building',
      title: `顶楼漏水 ${seq}`,
      description: '下雨后天花板渗水。',
      submissionKey: `exif-test-${seq}-abcdef`,
    },
    { photos: [photo] },
  );
}

describe('uploaded photos', () => {
  it.each([
    ['JPEG', 'jpeg', 'image/jpeg'],
    ['PNG', 'png', 'image/png'],
    ['WebP', 'webp', 'image/webp'],
  ] as const)('a %s with a GPS EXIF block is stored without it, upright and in its own format', async (_name, format, mime) => {
    const original = await photoWithGps(format);
    // the test photo really carries what must go
    expect(original.includes(CAMERA)).toBe(true);
    expect(hasGpsLatitude(original)).toBe(true);
    expect((await sharp(original).metadata()).exif).toBeDefined();

    const res = await fileIssueWith({ filename: `roof.${format}`, contentType: mime, data: original });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const issueId = Number(/\/issues\/(\d+)/.exec(String(res.headers.location))?.[1]);
    const [attachment] = await t.app.db.attachment.findMany({ where: { issueId } });
    expect(attachment?.mime).toBe(mime);
    const stored = storedFile(attachment!.storageKey);

    expect(stored.includes('Exif')).toBe(false);
    expect(stored.includes(CAMERA)).toBe(false);
    expect(stored.includes('Model-GPS-Test')).toBe(false);
    expect(hasGpsLatitude(stored)).toBe(false);
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.format).toBe(format);
    // the orientation was applied to the pixels, so the photo stands up without the tag
    expect([meta.width, meta.height]).toEqual([2, 4]);
    // what is recorded is what is stored
    expect(attachment!.sizeBytes).toBe(stored.length);

    const served = await resident.get(`/attachments/${attachment!.id}`);
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.includes(CAMERA)).toBe(false);
  });

  it('refuses, inline and writing nothing, a file that looks like a JPEG but does not decode', async () => {
    const filesBefore = uploadedCount();
    const issuesBefore = await t.app.db.issue.count();
    const broken = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64, 0)]);
    const res = await fileIssueWith({ filename: 'broken.jpg', contentType: 'image/jpeg', data: broken });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('broken.jpg');
    expect(await t.app.db.issue.count()).toBe(issuesBefore);
    expect(uploadedCount()).toBe(filesBefore);
  });

  it('stores a PDF exactly as it came', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% quote for the roof\n1 0 obj << /Author (Someone) >> endobj\ntrailer << >>\n%%EOF\n');
    const [stored] = await storeFiles(t.config.uploadDir, [
      { mime: 'application/pdf', data: pdf, originalName: 'quote.pdf', sha256: 'not-checked-here' },
    ]);
    expect(storedFile(stored!.storageKey).equals(pdf)).toBe(true);
    expect(stored!.sizeBytes).toBe(pdf.length);
  });
});
