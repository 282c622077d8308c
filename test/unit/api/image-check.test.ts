import { isWholeJpeg, isWholePng, isWholeWebp } from '../../../src/api/image-check';
import { checkedImage } from '../../../src/api/product-image';
import { jpeg, paddedPng, png, webp } from '../../support/images';

describe('an upload is kept only when it is its image through and through', () => {
  test('a real PNG, a whole JPEG and a whole WebP pass; a padded PNG stays valid', () => {
    expect(checkedImage(png)?.ext).toBe('png');
    expect(checkedImage(jpeg)?.ext).toBe('jpg');
    expect(checkedImage(webp)?.ext).toBe('webp');
    const padded = paddedPng(64 * 1024);
    expect(padded.length).toBe(64 * 1024);
    expect(isWholePng(padded)).toBe(true);
  });

  test('an image signature in front of HTML is refused, for each type', () => {
    const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    expect(checkedImage(Buffer.concat([png.subarray(0, 8), html]))).toBeUndefined();
    expect(checkedImage(Buffer.concat([jpeg.subarray(0, 4), html]))).toBeUndefined();
    expect(checkedImage(Buffer.concat([Buffer.from('RIFF\x40\0\0\0WEBP', 'latin1'), html]))).toBeUndefined();
  });

  test('anything after the image’s end is refused (a polyglot’s tail)', () => {
    const tail = Buffer.from('<html></html>');
    expect(isWholePng(Buffer.concat([png, tail]))).toBe(false);
    expect(isWholeJpeg(Buffer.concat([jpeg, tail]))).toBe(false);
    expect(isWholeWebp(Buffer.concat([webp, tail]))).toBe(false);
  });

  test('a PNG with a broken CRC or truncated data is refused by the decoder', () => {
    const broken = Buffer.from(png);
    broken[40] ^= 0xff; // inside IDAT
    expect(isWholePng(broken)).toBe(false);
    expect(isWholePng(png.subarray(0, png.length - 20))).toBe(false);
  });

  test('a PNG claiming more pixels than may be decoded is refused before decoding', () => {
    const huge = Buffer.from(png);
    huge.writeUInt32BE(20_000, 16);
    huge.writeUInt32BE(20_000, 20);
    expect(isWholePng(huge)).toBe(false);
  });

  test('a JPEG without a frame header, or with zero size, is refused', () => {
    const noFrame = Buffer.concat([jpeg.subarray(0, 20), jpeg.subarray(33)]);
    expect(isWholeJpeg(noFrame)).toBe(false);
    const zero = Buffer.from(jpeg);
    zero.writeUInt16BE(0, 20 + 5);
    expect(isWholeJpeg(zero)).toBe(false);
  });
});
