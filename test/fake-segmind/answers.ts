/** What Segmind says around a job's own answer: redirects. */
import type { Reply } from './http';
import type { Classified } from './routes';
import { SEGMIND_ORIGIN } from './scenario';
import type { RedirectTarget, ScriptedResponse } from './types';

/**
 * A scripted redirect (`redirectTo`): a poll to the same job's `/requests/<id>`, a submit to the
 * same workflow path, on the origin named. `origins.api` is the fake's `baseUrl`, prefix included.
 */
export function redirectReply(
	target: RedirectTarget,
	script: ScriptedResponse,
	classified: Classified,
	origins: { api: string; images: string },
): Reply {
	const origin = { ...origins, segmind: SEGMIND_ORIGIN }[target];
	let path: string;
	if (classified.route === 'poll') path = `/requests/${encodeURIComponent(classified.requestId)}`;
	else if (classified.route === 'submit') path = classified.path;
	else throw new Error('redirectTo is only for polls and submits');
	return { status: script.status, headers: { ...script.headers, location: `${origin}${path}` } };
}
