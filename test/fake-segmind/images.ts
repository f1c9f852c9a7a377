import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

/** Side of the square images the fake image host serves. */
const IMAGE_SIZE = 32;

export type ImageFormat = 'png' | 'jpeg';

export function fileExtensionFor(format: ImageFormat): 'png' | 'jpg' {
	return format === 'png' ? 'png' : 'jpg';
}

export function contentTypeFor(format: ImageFormat): string {
	return format === 'png' ? 'image/png' : 'image/jpeg';
}

/**
 * The "art" for a prompt, as RGBA pixels: a diagonal gradient between two colours with a disc of
 * a third, all taken from a SHA-256 of the prompt. Same prompt, same picture; different prompts
 * differ, which lets tests tell which job an image belongs to.
 */
function artPixels(prompt: string): Buffer {
	const hash = createHash('sha256').update(prompt, 'utf8').digest();
	const from = hash.subarray(0, 3);
	const to = hash.subarray(3, 6);
	const disc = hash.subarray(6, 9);
	const centreX = 8 + ((hash[9] as number) % 16);
	const centreY = 8 + ((hash[10] as number) % 16);
	const radius = 4 + ((hash[11] as number) % 6);
	const last = 2 * (IMAGE_SIZE - 1);

	const rgba = Buffer.alloc(IMAGE_SIZE * IMAGE_SIZE * 4, 0xff);
	for (let y = 0; y < IMAGE_SIZE; y++) {
		for (let x = 0; x < IMAGE_SIZE; x++) {
			const offset = (y * IMAGE_SIZE + x) * 4;
			const inDisc = (x - centreX) ** 2 + (y - centreY) ** 2 <= radius ** 2;
			const t = (x + y) / last;
			for (let channel = 0; channel < 3; channel++) {
				rgba[offset + channel] = inDisc
					? (disc[channel] as number)
					: Math.round((from[channel] as number) * (1 - t) + (to[channel] as number) * t);
			}
		}
	}
	return rgba;
}

/** A 32x32 image for the prompt: truecolour PNG (pngjs) or baseline JFIF JPEG (jpeg-js). */
export function renderArt(prompt: string, format: ImageFormat, paddingBytes = 0): Buffer {
	const image = { width: IMAGE_SIZE, height: IMAGE_SIZE, data: artPixels(prompt) };
	let bytes: Buffer;
	if (format === 'png') {
		const png = new PNG(image);
		png.data = image.data;
		bytes = PNG.sync.write(png, { colorType: 2 });
	} else {
		bytes = encodeJpeg(image, 90).data;
	}
	return paddingBytes > 0 ? padImage(bytes, format, paddingBytes) : bytes;
}

/**
 * Makes an image larger while keeping it valid, so a test or the bench can serve megabytes: a
 * private ancillary PNG chunk (`paDd`, which decoders skip) before IEND, or JPEG comment segments
 * after SOI.
 */
function padImage(image: Buffer, format: ImageFormat, paddingBytes: number): Buffer {
	if (format === 'png') {
		const chunk = Buffer.alloc(12 + paddingBytes, 0x2e);
		chunk.writeUInt32BE(paddingBytes, 0);
		chunk.write('paDd', 4, 'ascii');
		chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + paddingBytes)), 8 + paddingBytes);
		const iend = image.length - 12;
		return Buffer.concat([image.subarray(0, iend), chunk, image.subarray(iend)]);
	}
	const segments: Buffer[] = [];
	for (let left = paddingBytes; left > 0; ) {
		const size = Math.min(left, 65_533);
		const header = Buffer.from([0xff, 0xfe, 0, 0]);
		header.writeUInt16BE(size + 2, 2);
		segments.push(header, Buffer.alloc(size, 0x2e));
		left -= size;
	}
	return Buffer.concat([image.subarray(0, 2), ...segments, image.subarray(2)]);
}
