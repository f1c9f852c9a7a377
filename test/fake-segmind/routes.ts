import type { ApiPollPath, FakeSegmindOptions, Host } from './types';

export type { Host };

/** What a request is, once routed. `undefined` from classifyRequest means "unknown route". */
export type Classified =
	| {
			route: 'submit';
			/** As the path gave it: '<id>', or 'v2/<id>' for the newer form. */
			workflowId: string;
			/** The workflow's own id, whichever form the path had. */
			id: string;
			/** The path under the prefix, without the query: where a redirect of it points. */
			path: string;
	  }
	| { route: 'poll'; requestId: string }
	| { route: 'credits' }
	| { route: 'image'; requestId: string; extension: string };

/** How the API host routes, from the constructor's options. */
export interface Routing {
	/** '' for none; else starts with '/' and does not end with one. */
	pathPrefix: string;
	pollPaths: readonly ApiPollPath[];
}

/** The poll path forms Segmind's samples show. */
const API_POLL_PATHS: Readonly<Record<ApiPollPath, RegExp>> = {
	requests: /^\/requests\/([^/]+)$/,
	'workflows-request': /^\/workflows\/request\/([^/]+)$/,
	'v1-requests': /^\/v1\/requests\/([^/]+)$/,
};

export function isApiPollPath(form: string): form is ApiPollPath {
	return Object.hasOwn(API_POLL_PATHS, form);
}

/** The image host answers polls only in the form a 'foreign' poll_url uses. */
const IMAGE_HOST_POLL_PATH = /^\/requests\/([^/]+)$/;
/**
 * Matched on the raw path and decoded after, so an encoded slash (`/workflows/v2%2F<id>`) stays
 * part of one id, which no workflow has: Segmind's answer to a client that encodes the path.
 */
const SUBMIT_PATH = /^\/workflows\/([^/]+)$/;
const SUBMIT_V2_PATH = /^\/workflows\/v2\/([^/]+)$/;
const IMAGE_PATH = /^\/images\/([^/]+)\.([A-Za-z0-9]+)$/;

/** Workflow ids are 24 hex chars (a Mongo ObjectId), optionally with a version suffix. */
export const WORKFLOW_ID = /^[0-9a-f]{24}(-v\d+)?$/;

/** The constructor's routing options, checked; throws on a prefix a Base URL cannot end with. */
export function routingFrom(options: FakeSegmindOptions): Routing {
	const pathPrefix = options.pathPrefix ?? '';
	if (pathPrefix !== '' && !/^(\/[^/?#]+)+$/.test(pathPrefix)) {
		throw new Error(`pathPrefix must look like '/gateway/segmind', got '${pathPrefix}'`);
	}
	const pollPaths = options.pollPaths ?? (Object.keys(API_POLL_PATHS) as ApiPollPath[]);
	return { pathPrefix, pollPaths: [...pollPaths] };
}

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

function classifySubmit(path: string): Classified | undefined {
	const v2 = matchAny([SUBMIT_V2_PATH], path);
	if (v2 !== undefined) return { route: 'submit', workflowId: `v2/${v2}`, id: v2, path };
	const id = matchAny([SUBMIT_PATH], path);
	return id === undefined ? undefined : { route: 'submit', workflowId: id, id, path };
}

/** The path under the prefix, or undefined for a path outside it. */
function underPrefix(pathname: string, prefix: string): string | undefined {
	if (!pathname.startsWith(`${prefix}/`)) return undefined;
	return pathname.slice(prefix.length);
}

export function classifyRequest(
	host: Host,
	method: string,
	rawPath: string,
	routing: Routing,
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

	const path = underPrefix(pathname, routing.pathPrefix);
	if (path === undefined) return undefined;
	if (method === 'POST') return classifySubmit(path);
	if (method !== 'GET') return undefined;
	if (path === '/v1/get-user-credits') return { route: 'credits' };
	const pollPatterns = routing.pollPaths.map((form) => API_POLL_PATHS[form]);
	const requestId = matchAny(pollPatterns, path);
	return requestId === undefined ? undefined : { route: 'poll', requestId };
}
