import { createHash } from 'node:crypto';

import { encodeJpeg } from './jpeg';
import { encodePng, pngChunk, type Rgb } from './png';

/** Side of the square images the fake image host serves. */
export const IMAGE_SIZE = 32;

export type ImageFormat = 'png' | 'jpeg';

export function fileExtensionFor(format: ImageFormat): 'png' | 'jpg' {
	return format === 'png' ? 'png' : 'jpg';
}

export function contentTypeFor(format: ImageFormat): string {
	return format === 'png' ? 'image/png' : 'image/jpeg';
}

/**
 * The "art" for a prompt: a diagonal gradient between two colours with a disc of a third, all
 * taken from a SHA-256 of the prompt. Same prompt, same picture; different prompts differ, which
 * lets tests tell which job an image belongs to.
 */
export function artPixels(prompt: string): (x: number, y: number) => Rgb {
	const hash = createHash('sha256').update(prompt, 'utf8').digest();
	const colour = (offset: number): Rgb => [
		hash[offset] as number,
		hash[offset + 1] as number,
		hash[offset + 2] as number,
	];
	const from = colour(0);
	const to = colour(3);
	const disc = colour(6);
	const centreX = 8 + ((hash[9] as number) % 16);
	const centreY = 8 + ((hash[10] as number) % 16);
	const radius = 4 + ((hash[11] as number) % 6);
	const last = 2 * (IMAGE_SIZE - 1);

	return (x, y) => {
		if ((x - centreX) ** 2 + (y - centreY) ** 2 <= radius ** 2) return disc;
		const t = (x + y) / last;
		return [0, 1, 2].map((channel) =>
			Math.round((from[channel] as number) * (1 - t) + (to[channel] as number) * t),
		) as unknown as Rgb;
	};
}

export function renderArt(prompt: string, format: ImageFormat, paddingBytes = 0): Buffer {
	const pixels = artPixels(prompt);
	const image =
		format === 'png'
			? encodePng(IMAGE_SIZE, IMAGE_SIZE, pixels)
			: encodeJpeg(IMAGE_SIZE, IMAGE_SIZE, pixels);
	return paddingBytes > 0 ? padImage(image, format, paddingBytes) : image;
}

/**
 * Makes an image larger while keeping it valid, so a test or the bench can serve megabytes: a
 * private ancillary PNG chunk (`paDd`, which decoders skip) before IEND, or JPEG comment segments
 * after SOI.
 */
function padImage(image: Buffer, format: ImageFormat, paddingBytes: number): Buffer {
	if (format === 'png') {
		const iend = image.subarray(image.length - 12);
		return Buffer.concat([
			image.subarray(0, image.length - 12),
			pngChunk('paDd', Buffer.alloc(paddingBytes, 0x2e)),
			iend,
		]);
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
