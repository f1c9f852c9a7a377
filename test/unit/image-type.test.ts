/**
 * imageTypeOf: the image's bytes decide its type; the content-type header, then the URL's
 * extension, only when the bytes announce none of the known types.
 */
import { imageTypeOf } from '../../nodes/FluxArtGenerator/segmind/image-type';

const bytes = (...values: number[]) => Buffer.from(values);
const PNG = bytes(
	0x89,
	0x50,
	0x4e,
	0x47,
	0x0d,
	0x0a,
	0x1a,
	0x0a,
	0,
	0,
	0,
	0x0d,
	0x49,
	0x48,
	0x44,
	0x52,
);
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1);
const WEBP = Buffer.concat([Buffer.from('RIFF'), bytes(0x24, 0x08, 0, 0), Buffer.from('WEBPVP8 ')]);
const GIF87 = Buffer.from('GIF87a\x20\x00\x20\x00\x80\x00\x00\xff\xff\xff', 'latin1');
const GIF89 = Buffer.from('GIF89a\x20\x00\x20\x00\x80\x00\x00\xff\xff\xff', 'latin1');
/** Bytes of no known image type. */
const TEXT = Buffer.from('<html><body>not an image</body></html>');
/** RIFF, but a WAVE file: not WebP. */
const WAVE = Buffer.concat([Buffer.from('RIFF'), bytes(0x24, 0x08, 0, 0), Buffer.from('WAVEfmt ')]);

const png = { mimeType: 'image/png', extension: 'png' };
const jpeg = { mimeType: 'image/jpeg', extension: 'jpg' };
const webp = { mimeType: 'image/webp', extension: 'webp' };
const gif = { mimeType: 'image/gif', extension: 'gif' };
const unknown = { mimeType: 'application/octet-stream', extension: 'bin' };

type Row = [string, Buffer, string, string, { mimeType: string; extension: string }];

describe('imageTypeOf', () => {
	describe('the signature wins over a header and an extension that say otherwise', () => {
		test.each<Row>([
			['PNG bytes, image/jpeg at .jpg', PNG, 'image/jpeg', 'https://h/i/a.jpg', png],
			['PNG bytes, image/webp at .webp', PNG, 'image/webp', 'https://h/i/a.webp', png],
			[
				'PNG bytes, image/gif; charset at .gif?sig',
				PNG,
				'image/gif; x=1',
				'https://h/a.gif?s=1',
				png,
			],
			['JPEG bytes, image/png at .png', JPEG, 'image/png', 'https://h/i/a.png', jpeg],
			['JPEG bytes, image/webp at .gif', JPEG, 'image/webp', 'https://h/i/a.gif', jpeg],
			['WebP bytes, image/png at .jpg', WEBP, 'image/png', 'https://h/i/a.jpg', webp],
			['WebP bytes, image/jpeg at .png', WEBP, 'image/jpeg', 'https://h/i/a.png', webp],
			['GIF87a bytes, image/png at .webp', GIF87, 'image/png', 'https://h/i/a.webp', gif],
			['GIF89a bytes, image/jpeg at .png', GIF89, 'image/jpeg', 'https://h/i/a.png', gif],
			[
				'PNG bytes, octet-stream, no extension',
				PNG,
				'application/octet-stream',
				'https://h/i/a',
				png,
			],
			['JPEG bytes, no header at all', JPEG, '', 'https://h/i/a', jpeg],
		])('%s', (_name, head, contentType, url, expected) => {
			expect(imageTypeOf(head, contentType, url)).toEqual(expected);
		});
	});

	describe('bytes of no known type: the header decides, before the extension', () => {
		test.each<Row>([
			['image/png', TEXT, 'image/png', 'https://h/i/a.jpg', png],
			['image/jpeg', TEXT, 'image/jpeg', 'https://h/i/a.png', jpeg],
			[
				'image/jpg (a common misspelling) is image/jpeg',
				TEXT,
				'image/jpg',
				'https://h/a.png',
				jpeg,
			],
			['image/webp', TEXT, 'image/webp', 'https://h/i/a.gif', webp],
			['image/gif', TEXT, 'image/gif', 'https://h/i/a.webp', gif],
			['parameters are ignored', TEXT, 'image/png; charset=binary', 'https://h/a.jpg', png],
			['case and spaces are ignored', TEXT, ' Image/JPEG ;charset=UTF-8', 'https://h/a', jpeg],
			['RIFF that is not WebP', WAVE, 'image/png', 'https://h/i/a.webp', png],
		])('%s', (_name, head, contentType, url, expected) => {
			expect(imageTypeOf(head, contentType, url)).toEqual(expected);
		});
	});

	describe('no known type in bytes or header: the URL extension decides', () => {
		test.each<Row>([
			['.png', TEXT, 'application/octet-stream', 'https://h/i/a.png', png],
			['.jpg', TEXT, 'application/octet-stream', 'https://h/i/a.jpg', jpeg],
			['.jpeg is jpg', TEXT, 'binary/octet-stream', 'https://h/i/a.jpeg', jpeg],
			['.webp', TEXT, '', 'https://h/i/a.webp', webp],
			['.gif', TEXT, 'text/plain', 'https://h/i/a.gif', gif],
			['upper case .PNG', TEXT, '', 'https://h/i/A.PNG', png],
			['.jpeg before a query string', TEXT, '', 'https://h/i/a.jpeg?X-Amz-Expires=3600&v=2', jpeg],
			['.webp before a fragment', TEXT, '', 'https://h/i/a.webp#top', webp],
			[
				'a known extension beats an unknown image/* subtype',
				TEXT,
				'image/avif',
				'https://h/a.png',
				png,
			],
		])('%s', (_name, head, contentType, url, expected) => {
			expect(imageTypeOf(head, contentType, url)).toEqual(expected);
		});
	});

	describe('a head too short for a signature never matches it', () => {
		test.each<Row>([
			['4 of the 8 PNG bytes', PNG.subarray(0, 4), '', 'https://h/i/a', unknown],
			['2 of the 3 JPEG bytes', JPEG.subarray(0, 2), '', 'https://h/i/a', unknown],
			['RIFF with no WEBP yet', WEBP.subarray(0, 10), '', 'https://h/i/a', unknown],
			['3 of the 4 GIF bytes', GIF89.subarray(0, 3), '', 'https://h/i/a', unknown],
			['no bytes at all', Buffer.alloc(0), '', 'https://h/i/a', unknown],
			['a short PNG head at .jpg: the extension', PNG.subarray(0, 4), '', 'https://h/a.jpg', jpeg],
			[
				'a short JPEG head with image/png: the header',
				JPEG.subarray(0, 2),
				'image/png',
				'https://h/a',
				png,
			],
		])('%s', (_name, head, contentType, url, expected) => {
			expect(imageTypeOf(head, contentType, url)).toEqual(expected);
		});
	});

	describe('an image/* subtype it does not know is kept', () => {
		test.each<Row>([
			[
				'image/avif',
				TEXT,
				'image/avif',
				'https://h/i/a',
				{ mimeType: 'image/avif', extension: 'avif' },
			],
			[
				'image/heic with parameters',
				TEXT,
				'IMAGE/HEIC; q=1',
				'https://h/i/a.heic',
				{ mimeType: 'image/heic', extension: 'heic' },
			],
			[
				'image/ with no subtype',
				TEXT,
				'image/',
				'https://h/i/a',
				{ mimeType: 'image/', extension: 'img' },
			],
		])('%s', (_name, head, contentType, url, expected) => {
			expect(imageTypeOf(head, contentType, url)).toEqual(expected);
		});
	});

	describe('nothing known: application/octet-stream, .bin', () => {
		test.each<Row>([
			['octet-stream, no extension', TEXT, 'application/octet-stream', 'https://h/i/a', unknown],
			['text/html at .html', TEXT, 'text/html; charset=utf-8', 'https://h/i/a.html', unknown],
			['no header, an unknown extension', TEXT, '', 'https://h/i/a.bmp', unknown],
			[
				'a dot in the host is no extension',
				TEXT,
				'',
				'https://images.example.png/download',
				unknown,
			],
			['an empty URL', TEXT, '', '', unknown],
		])('%s', (_name, head, contentType, url, expected) => {
			expect(imageTypeOf(head, contentType, url)).toEqual(expected);
		});
	});
});
