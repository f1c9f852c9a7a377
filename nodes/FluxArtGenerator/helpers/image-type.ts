/**
 * The image's type. Segmind's hosts have served images with a generic or wrong content-type, so
 * the bytes' signature wins; the header, then the URL's extension, are the fall-backs. Pure.
 */

export interface ImageType {
	mimeType: string;
	extension: string;
}

const BY_MIME: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
};

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
	bytes.length >= offset + signature.length &&
	signature.every((byte, i) => bytes[offset + i] === byte);

/** The type the first bytes announce, or undefined for an unknown signature. */
function sniffImageType(bytes: Buffer): ImageType | undefined {
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
		return { mimeType: 'image/png', extension: 'png' };
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mimeType: 'image/jpeg', extension: 'jpg' };
	if (
		startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) &&
		startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)
	) {
		return { mimeType: 'image/webp', extension: 'webp' };
	}
	if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]))
		return { mimeType: 'image/gif', extension: 'gif' };
	return undefined;
}

export function imageTypeOf(head: Buffer, contentType: string, url: string): ImageType {
	const sniffed = sniffImageType(head);
	if (sniffed) return sniffed;
	const mime = contentType.split(';')[0].trim().toLowerCase();
	if (BY_MIME[mime])
		return { mimeType: mime === 'image/jpg' ? 'image/jpeg' : mime, extension: BY_MIME[mime] };
	const extension = /\.([a-z0-9]{2,5})(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
	const fromUrl = Object.entries(BY_MIME).find(
		([, ext]) => ext === extension || (extension === 'jpeg' && ext === 'jpg'),
	);
	if (fromUrl) return { mimeType: fromUrl[0], extension: fromUrl[1] };
	if (mime.startsWith('image/'))
		return { mimeType: mime, extension: mime.slice(6).replace(/[^a-z0-9]/g, '') || 'img' };
	return { mimeType: 'application/octet-stream', extension: 'bin' };
}
