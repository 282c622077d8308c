import { DEFAULT_QR, renderQrPng } from '../../../src/codes/qr';
import { productImageKey, productImageUrl, sniffImage } from '../../../src/api/product-image';

describe('sniffImage: the type of an upload from its first bytes', () => {
  test('PNG, JPEG and WebP are recognised whatever the file is called', () => {
    expect(sniffImage(renderQrPng('HTTPS://X.EXAMPLE/1', DEFAULT_QR))).toEqual({
      ext: 'png',
      contentType: 'image/png',
    });
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0, 0]))).toEqual({
      ext: 'jpg',
      contentType: 'image/jpeg',
    });
    expect(sniffImage(Buffer.from('RIFF\x10\0\0\0WEBPVP8L', 'latin1'))).toEqual({
      ext: 'webp',
      contentType: 'image/webp',
    });
  });

  test('anything else, including truncated signatures, is not an image', () => {
    for (const bytes of [
      'GIF89a',
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'RIFF\0\0\0\0WAVEfmt ',
      '\x89PNG',
      '',
    ]) {
      expect(sniffImage(Buffer.from(bytes, 'latin1'))).toBeUndefined();
    }
    expect(sniffImage(Buffer.from([0xff, 0xd8]))).toBeUndefined();
  });
});

describe('product image keys and URLs', () => {
  test('the key is the product UUID and a content hash, so each new image gets a new URL', () => {
    const uuid = '1c262803-072c-4809-a957-39dd8c807d78';
    const png = { ext: 'png', contentType: 'image/png' } as const;
    const a = productImageKey(uuid, Buffer.from('a'), png);
    expect(a).toMatch(new RegExp(`^products/${uuid}/[0-9a-f]{32}\\.png$`));
    expect(productImageKey(uuid, Buffer.from('a'), png)).toBe(a);
    expect(productImageKey(uuid, Buffer.from('b'), png)).not.toBe(a);
    expect(productImageUrl('https://wo.example.com', a)).toBe(`https://wo.example.com/media/${a}`);
    expect(productImageUrl('https://wo.example.com', null)).toBeNull();
  });
});
