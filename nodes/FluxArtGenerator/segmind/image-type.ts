/**
 * The image's type. Segmind's hosts have served images with a generic or wrong content-type, so
 * the bytes' signature wins; the header, then the URL's extension, are the fall-backs. Pure.
 */

/** The known types: MIME type, extension, and the first bytes that announce it (-1: any byte). */
const KNOWN: Array<[string, string, number[]]> = [
	['image/png', 'png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
	['image/jpeg', 'jpg', [0xff, 0xd8, 0xff]],
	['image/webp', 'webp', [0x52, 0x49, 0x46, 0x46, -1, -1, -1, -1, 0x57, 0x45, 0x42, 0x50]],
	['image/gif', 'gif', [0x47, 0x49, 0x46, 0x38]],
];

export function imageTypeOf(head: Buffer, contentType: string, url: string) {
	const mime = contentType.split(';')[0].trim().toLowerCase();
	const extension = /\.([a-z0-9]{2,5})(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
	const known =
		// No signature ends in -1 and head[i] past the end is undefined: a short head never matches.
		KNOWN.find(([, , signature]) => signature.every((byte, i) => byte < 0 || head[i] === byte)) ??
		KNOWN.find(([type]) => type === (mime === 'image/jpg' ? 'image/jpeg' : mime)) ??
		KNOWN.find(([, ext]) => ext === (extension === 'jpeg' ? 'jpg' : extension));
	if (known) return { mimeType: known[0], extension: known[1] };
	if (mime.startsWith('image/'))
		return { mimeType: mime, extension: mime.slice(6).replace(/[^a-z0-9]/g, '') || 'img' };
	return { mimeType: 'application/octet-stream', extension: 'bin' };
}
