import { isApiPollPath } from './routes';
import type { FailureShape, JobScenario, OutputShape } from './types';

/** Segmind's real API origin, on which its answers' URLs are. */
export const SEGMIND_ORIGIN = 'https://api.segmind.com';

/** The built-in defaults; an instance's own defaults are its constructor scenario over these. */
export const DEFAULT_SCENARIO: Readonly<JobScenario> = Object.freeze({
	durationMs: 300,
	outputShape: 'output-string',
	outputKey: 'image_output',
	pollPath: 'workflows-request',
	pollOrigin: 'api',
	requestIdFormat: 'hex',
	statusCase: 'upper',
	completedStatus: 'COMPLETED',
	neverFinish: false,
	imageFormat: 'png',
	creditsHeader: true,
	completeOnSubmit: false,
	submitOmitsRequestId: false,
});

/** A fresh, independent scenario: `partial` over `defaults` (nested `fail` copied too). */
export function mergeScenario(
	defaults: Readonly<JobScenario>,
	partial: Partial<JobScenario> = {},
): JobScenario {
	const merged: JobScenario = { ...defaults };
	for (const [key, value] of Object.entries(partial)) {
		// An explicit `undefined` clears an optional field instead of leaving the default in place.
		if (value === undefined) delete (merged as unknown as Record<string, unknown>)[key];
		else (merged as unknown as Record<string, unknown>)[key] = value;
	}
	if (merged.fail) merged.fail = { ...merged.fail };
	if (merged.pollOrigin === 'segmind' && !isApiPollPath(merged.pollPath)) {
		throw new Error(`pollOrigin 'segmind' needs an API poll path form, not '${merged.pollPath}'`);
	}
	return merged;
}

export interface Origins {
	apiBase: string;
	imageBase: string;
}

/** The poll_url the submit answer carries, or undefined for 'missing'. */
export function pollUrlFor(
	scenario: JobScenario,
	requestId: string,
	origins: Origins,
): string | undefined {
	const apiBase = scenario.pollOrigin === 'segmind' ? SEGMIND_ORIGIN : origins.apiBase;
	switch (scenario.pollPath) {
		case 'requests':
			return `${apiBase}/requests/${requestId}`;
		case 'workflows-request':
			return `${apiBase}/workflows/request/${requestId}`;
		case 'v1-requests':
			return `${apiBase}/v1/requests/${requestId}`;
		case 'relative':
			return `/workflows/request/${requestId}`;
		case 'placeholder':
			return `<base_url>/requests/${requestId}`;
		case 'missing':
			return undefined;
		case 'foreign':
			return `${origins.imageBase}/requests/${requestId}`;
	}
}

export type JobPhase = 'queued' | 'processing' | 'terminal';

/** Where a job stands `elapsedMs` after its submit. Time alone decides: no timers to clean up. */
export function phaseAt(scenario: JobScenario, elapsedMs: number): JobPhase {
	if (scenario.completeOnSubmit) return 'terminal';
	if (elapsedMs >= scenario.durationMs) return scenario.neverFinish ? 'processing' : 'terminal';
	return elapsedMs < scenario.durationMs / 2 ? 'queued' : 'processing';
}

function withCase(scenario: JobScenario, status: string): string {
	return scenario.statusCase === 'lower' ? status.toLowerCase() : status;
}

export interface JobAnswer {
	httpStatus: number;
	body: Record<string, unknown>;
}

export function pendingAnswer(scenario: JobScenario, phase: 'queued' | 'processing'): JobAnswer {
	const status = scenario.pendingStatus ?? (phase === 'queued' ? 'QUEUED' : 'PROCESSING');
	const body: Record<string, unknown> = { status: withCase(scenario, status) };
	// Segmind sends an empty output while a job runs; clients must not mistake it for a result.
	if (phase === 'processing') body.output = '';
	return { httpStatus: 200, body };
}

function outputFields(shape: OutputShape, key: string, imageUrl: string): Record<string, unknown> {
	const list = [{ keyname: key, value: { data: imageUrl, type: 'image' } }];
	switch (shape) {
		case 'output-string':
			return { output: JSON.stringify(list) };
		case 'output-list':
			return { output: list };
		case 'output-object':
			return { output: { [key]: imageUrl } };
		case 'output-plain-values':
			return { output: [{ keyname: key, value: imageUrl }] };
		case 'flat':
			return { [key]: imageUrl };
		case 'flat-list':
			return { [key]: [imageUrl] };
	}
}

/** Segmind's own words for each failure shape; tests assert that the node surfaces them. */
export const FAILURE_REASONS: Readonly<Record<FailureShape, Record<string, unknown>>> = {
	'error_message-string': { error_message: 'NSFW content detected' },
	'error_message-object': { error_message: { error: 'Model crashed', details: 'CUDA OOM' } },
	'error_message-list': {
		error_message: [{ model: 'flux-schnell', error: 'Prompt rejected by safety filter' }],
	},
	'error_message-nested': {
		error_message: { error_message: 'Image generation ran out of GPU memory' },
	},
	error: { error: 'Upstream model timeout' },
	message: { message: 'Workflow execution failed' },
};

/**
 * The terminal body. `fail` picks the reason's shape and HTTP status; `terminalStatus` picks the
 * status word (with a `message` unless `fail` gives another reason); with neither, it succeeds.
 */
export function terminalAnswer(scenario: JobScenario, imageUrl: string): JobAnswer {
	if (scenario.fail || scenario.terminalStatus !== undefined) {
		const status = withCase(scenario, scenario.terminalStatus ?? 'FAILED');
		const reason = scenario.fail
			? FAILURE_REASONS[scenario.fail.shape]
			: { message: `Request ended with status ${scenario.terminalStatus ?? 'FAILED'}` };
		return {
			httpStatus: scenario.fail?.httpStatus ?? 200,
			body: { status, ...JSON.parse(JSON.stringify(reason)) },
		};
	}
	return {
		httpStatus: 200,
		body: {
			status: withCase(scenario, scenario.completedStatus),
			...outputFields(scenario.outputShape, scenario.outputKey, imageUrl),
		},
	};
}
