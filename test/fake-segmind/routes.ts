import type { Host } from './types';

export type { Host };

/** What a request is, once routed. `undefined` from classifyRequest means "unknown route". */
export type Classified =
	| { route: 'submit'; workflowId: string }
	| { route: 'poll'; requestId: string }
	| { route: 'credits' }
	| { route: 'image'; requestId: string; extension: string };

/** The poll path forms Segmind's samples show; the fake answers all of them on the API host. */
const API_POLL_PATHS = [
	/^\/requests\/([^/]+)$/,
	/^\/workflows\/request\/([^/]+)$/,
	/^\/v1\/requests\/([^/]+)$/,
];
/** The image host answers polls only in the form a 'foreign' poll_url uses. */
const IMAGE_HOST_POLL_PATH = /^\/requests\/([^/]+)$/;
const SUBMIT_PATH = /^\/workflows\/([^/]+)$/;
const IMAGE_PATH = /^\/images\/([^/]+)\.([A-Za-z0-9]+)$/;

/** Workflow ids are 24 hex chars (a Mongo ObjectId), optionally with a version suffix. */
export const WORKFLOW_ID = /^[0-9a-f]{24}(-v\d+)?$/;

function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

function matchAny(patterns: RegExp[], pathname: string): string | undefined {
	for (const pattern of patterns) {
		const match = pattern.exec(pathname);
		if (match?.[1] !== undefined) return decodeSegment(match[1]);
	}
	return undefined;
}

export function classifyRequest(
	host: Host,
	method: string,
	rawPath: string,
): Classified | undefined {
	const pathname = rawPath.split('?')[0] ?? '';
	if (host === 'images') {
		if (method !== 'GET') return undefined;
		const image = IMAGE_PATH.exec(pathname);
		if (image?.[1] !== undefined && image[2] !== undefined) {
			return { route: 'image', requestId: decodeSegment(image[1]), extension: image[2] };
		}
		const requestId = matchAny([IMAGE_HOST_POLL_PATH], pathname);
		return requestId === undefined ? undefined : { route: 'poll', requestId };
	}

	if (method === 'POST') {
		const workflowId = matchAny([SUBMIT_PATH], pathname);
		return workflowId === undefined ? undefined : { route: 'submit', workflowId };
	}
	if (method !== 'GET') return undefined;
	if (pathname === '/v1/get-user-credits') return { route: 'credits' };
	const requestId = matchAny(API_POLL_PATHS, pathname);
	return requestId === undefined ? undefined : { route: 'poll', requestId };
}
