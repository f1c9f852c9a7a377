/**
 * What Segmind says around a job's own answer: the balance, the rate limit's headers, redirects,
 * and its refusals' words.
 */
import { jsonReply, type Reply } from './http';
import type { Classified } from './routes';
import { SEGMIND_ORIGIN } from './scenario';
import type { Admission } from './limits';
import type { JobScenario, RatePlan, RedirectTarget, ScriptedResponse } from './types';

/** A submit to one of the `retiredWorkflows` answers 410 with these words. */
export const RETIRED_WORKFLOW_ERROR =
	'This model/workflow has been deprecated and is no longer available.';

/** `/v1/get-user-credits` with `creditsNotFound` answers 404 with these words. */
export const NO_CREDITS_ERROR = 'No credits found for the user';

export function creditsHeaders(scenario: JobScenario, credits: number): Record<string, string> {
	return scenario.creditsHeader ? { 'x-remaining-credits': String(credits) } : {};
}

function creditsFields(scenario: JobScenario, credits: number): Record<string, unknown> {
	switch (scenario.creditsInBody) {
		case 'metrics':
			return { metrics: { remaining_credits: credits } };
		case 'top-level':
			return { remaining_credits: credits };
		case undefined:
			return {};
	}
}

/**
 * A job's answer (submit or poll) with the balance where the scenario puts it: in the body
 * (`creditsInBody`) and, unless `header` is false (past `creditsHeaderPolls`), in the header.
 */
export function withBalance(
	status: number,
	body: Record<string, unknown>,
	scenario: JobScenario,
	credits: number,
	header = true,
): Reply {
	const headers = header ? creditsHeaders(scenario, credits) : {};
	return jsonReply(status, { ...body, ...creditsFields(scenario, credits) }, headers);
}

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

/**
 * What the plan's `headers` mode puts on an API answer, given what the plan made of the request
 * (undefined: no plan, or not the API host). Never `Retry-After`: Segmind's docs say it sends none.
 */
export function rateHeaders(
	plan: RatePlan | undefined,
	admission: Admission | undefined,
): Record<string, string> {
	if (!plan || !admission || plan.headers === 'none') return {};
	const resetAt = new Date(admission.resetAt).toISOString();
	if (plan.headers === 'always')
		return {
			'x-rate-limit-remaining': String(admission.remaining),
			'x-rate-limit-reset-at-utc': resetAt,
		};
	return admission.admitted ? {} : { 'x-rate-limit-reset-at-utc': resetAt };
}
