/**
 * The fault matrix: one row per fault Segmind (or the network) can throw at the node, run in
 * n8n's engine against the fake server. Each row asserts the outcome, the error code and message,
 * how many submits the server saw (its own request log is the witness: a paid job is never sent
 * twice), and that the key went nowhere but the API origin.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { FakeSegmind } from '../fake-segmind';
import type { FluxRun } from '../harness/run-node';
import { errorOf, expectKeyOnlyOnApi, run, useFakeSegmind } from './helpers';

const fake = useFakeSegmind();

interface Row {
	name: string;
	arrange: (fake: FakeSegmind) => void;
	parameters?: INodeParameters;
	/** The key the credential holds (the server's own by default). */
	apiKey?: string;
	/** 'image' for success; else the error code and (part of) the message. */
	outcome: 'image' | { code: string; message: string | RegExp };
	submits: number;
	/** Jobs the server created (billed). */
	jobs?: number;
	check?: (result: FluxRun, fake: FakeSegmind) => void;
}

const pollsOf = (f: FakeSegmind) => f.requestsTo('poll');
const gapAfterFirstPoll = (f: FakeSegmind) => pollsOf(f)[1].time - pollsOf(f)[0].time;

const rows: Row[] = [
	{
		name: '429 on the submit, then success: retried (Segmind provably did not take it)',
		arrange: (f) =>
			f.respond('submit', {
				status: 429,
				body: { error: 'Rate limit exceeded' },
				headers: { 'retry-after': '0' },
			}),
		outcome: 'image',
		submits: 2,
		jobs: 1,
	},
	{
		name: '429 on polls with Retry-After: 1: waits as told, then the image',
		arrange: (f) =>
			f.respond('poll', {
				status: 429,
				body: { error: 'Rate limit exceeded' },
				headers: { 'retry-after': '1' },
			}),
		outcome: 'image',
		submits: 1,
		check: (_r, f) => expect(gapAfterFirstPoll(f)).toBeGreaterThanOrEqual(950),
	},
	...(['iso', 'epoch seconds'] as const).map((format): Row => {
		let resetAt = 0;
		return {
			name: `429 on a poll with x-rate-limit-reset-at-utc (${format}) and no Retry-After: waits until then`,
			arrange: (f) => {
				resetAt = Date.now() + 2_000;
				f.respond('poll', {
					status: 429,
					body: { error: 'Rate limit exceeded' },
					headers: {
						'x-rate-limit-reset-at-utc':
							format === 'iso' ? new Date(resetAt).toISOString() : (resetAt / 1000).toFixed(3),
					},
				});
			},
			outcome: 'image',
			submits: 1,
			check: (_r, f) => {
				// The retry comes no earlier than the reset, whenever the 429 was answered.
				expect(pollsOf(f)[1].time).toBeGreaterThanOrEqual(resetAt - 20);
				expect(pollsOf(f)[1].time).toBeLessThan(resetAt + 5_000);
			},
		};
	}),
	{
		name: '429s on polls with no header at all: a probe after a short back-off, refused too, so the limit learned (1) holds; the Timeout ends the wait, naming the job',
		arrange: (f) =>
			f.respond('poll', { status: 429, body: { error: 'Rate limit exceeded' }, times: 2 }),
		// Only the submit went before the refused poll: a limit of 1 a minute, so once the probe is
		// refused too the next check waits for the submit to be a minute old, past this Timeout.
		parameters: { options: { timeout: 5 } },
		outcome: {
			code: 'RATE_LIMITED',
			message:
				/rate limit held the checks on request [0-9a-f]{32} until the item's Timeout ran out/,
		},
		submits: 1,
		check: (r, f) => {
			expect(pollsOf(f)).toHaveLength(2);
			expect(gapAfterFirstPoll(f)).toBeGreaterThanOrEqual(1_900);
			expect(errorOf(r).description).toMatch(/collect it with Get Result/);
		},
	},
	{
		name: 'one 429 on a poll with no header at all, a passing fault: the probe goes through, then the image',
		arrange: (f) => f.respond('poll', { status: 429, body: { error: 'Rate limit exceeded' } }),
		outcome: 'image',
		submits: 1,
		check: (_r, f) => expect(gapAfterFirstPoll(f)).toBeGreaterThanOrEqual(1_900),
	},
	...[500, 502, 503].map(
		(status): Row => ({
			name: `${status} on a poll (HTML body): retried, then the image`,
			arrange: (f) =>
				f.respond('poll', {
					status,
					body: `<html><h1>${status}</h1></html>`,
					headers: { 'retry-after': '0' },
				}),
			outcome: 'image',
			submits: 1,
		}),
	),
	{
		name: '503 with an empty body on polls, twice: retried, then the image',
		arrange: (f) =>
			f.respond('poll', { status: 503, body: '', times: 2, headers: { 'retry-after': '0' } }),
		outcome: 'image',
		submits: 1,
	},
	{
		name: 'connection reset mid-poll: retried, then the image',
		arrange: (f) => f.respond('poll', { status: 0, destroy: true }),
		outcome: 'image',
		submits: 1,
	},
	{
		name: 'a poll that hangs past the per-call timeout (1 s): abandoned at 1 s, retried, then the image',
		arrange: (f) => f.respond('poll', { status: 0, hang: true }),
		parameters: { options: { requestTimeout: 1 } },
		outcome: 'image',
		submits: 1,
		check: (_r, f) => {
			expect(gapAfterFirstPoll(f)).toBeGreaterThanOrEqual(950);
			expect(gapAfterFirstPoll(f)).toBeLessThan(5_000);
		},
	},
	{
		name: 'the submit connection drops after Segmind accepted: NOT resent',
		arrange: (f) => f.respond('submit', { status: 200, destroy: true, afterAccept: true }),
		outcome: {
			code: 'NETWORK',
			message:
				/broke after the prompt was sent \(the connection was reset\), so it is unknown whether Segmind accepted it/,
		},
		submits: 1,
		jobs: 1,
		check: (r) => expect(errorOf(r).description).toContain('request history'),
	},
	{
		name: 'the submit hangs past the per-call timeout: NOT resent (it may have been taken)',
		arrange: (f) => f.respond('submit', { status: 0, hang: true }),
		parameters: { options: { requestTimeout: 1 } },
		outcome: { code: 'NETWORK', message: /unknown whether Segmind accepted it/ },
		submits: 1,
		jobs: 0,
	},
	{
		name: 'a 503 with no body on the submit: retried (no job was made)',
		arrange: (f) => f.respond('submit', { status: 503, body: '', headers: { 'retry-after': '0' } }),
		outcome: 'image',
		submits: 2,
		jobs: 1,
	},
	{
		name: 'a 502 from a gateway on the submit: NOT resent',
		arrange: (f) => f.respond('submit', { status: 502, body: '<html>Bad Gateway</html>' }),
		outcome: { code: 'SERVER', message: 'Segmind answered with a server error (HTTP 502)' },
		submits: 1,
		jobs: 0,
	},
	...([301, 302, 303] as const).map(
		(status): Row => ({
			name: `a ${status} redirect of the submit: the prompt is NOT sent again (nothing was billed)`,
			arrange: (f) =>
				f.respond('submit', {
					status,
					headers: { location: `${f.baseUrl}/workflows/66ba4126364d0f944f366a8f-v2` },
				}),
			outcome: {
				code: 'INVALID_RESPONSE',
				message: new RegExp(`redirect \\(HTTP ${status} to http://127\\.0\\.0\\.1:\\d+/workflows/`),
			},
			submits: 1,
			jobs: 0,
			check: (r) => expect(errorOf(r).description).toMatch(/Nothing was billed/),
		}),
	),
	{
		name: 'a 307 of the submit to the same origin: sent once more there (the first was not processed)',
		arrange: (f) =>
			f.respond('submit', {
				status: 307,
				headers: { location: '/workflows/66ba4126364d0f944f366a8f-v2?again=1' },
			}),
		outcome: 'image',
		submits: 2,
		jobs: 1,
		check: (_r, f) => {
			const [first, second] = f.requestsTo('submit');
			expect(second.path).toBe('/workflows/66ba4126364d0f944f366a8f-v2?again=1');
			expect(second.body).toBe(first.body);
		},
	},
	{
		name: 'a 308 of the submit to https://api.segmind.com: mapped through the Base URL, sent once more',
		arrange: (f) =>
			f.respond('submit', {
				status: 308,
				headers: { location: 'https://api.segmind.com/workflows/66ba4126364d0f944f366a8f-v2' },
			}),
		outcome: 'image',
		submits: 2,
		jobs: 1,
	},
	{
		name: 'a 307 of the submit to another origin: NOT followed (the key and the prompt stay home)',
		arrange: (f) =>
			f.respond('submit', {
				status: 307,
				headers: { location: `${f.imageBaseUrl}/workflows/66ba4126364d0f944f366a8f-v2` },
			}),
		outcome: { code: 'INVALID_RESPONSE', message: /redirect \(HTTP 307 to / },
		submits: 1,
		jobs: 0,
		check: (_r, f) => expect(f.requests.filter((r) => r.host === 'images')).toHaveLength(0),
	},
	{
		name: 'a 410 on the submit: RETIRED, check the Workflow ID',
		arrange: (f) =>
			f.respond('submit', { status: 410, body: { error: 'This workflow has been deprecated' } }),
		outcome: {
			code: 'RETIRED',
			message:
				'Segmind has retired workflow 66ba4126364d0f944f366a8f-v2 or a model it uses (HTTP 410)',
		},
		submits: 1,
		jobs: 0,
		check: (r) =>
			expect(errorOf(r).description).toMatch(
				/Check the Workflow ID.*Segmind said: This workflow has been deprecated/s,
			),
	},
	{
		name: 'FAILED (error_message string)',
		arrange: (f) => f.setScenario({ fail: { shape: 'error_message-string' } }),
		outcome: {
			code: 'FAILED',
			message: /could not finish request [0-9a-f]{32}: NSFW content detected/,
		},
		submits: 1,
	},
	{
		name: 'FAILED (error_message object, HTTP 422)',
		arrange: (f) => f.setScenario({ fail: { shape: 'error_message-object', httpStatus: 422 } }),
		outcome: { code: 'FAILED', message: /: Model crashed: CUDA OOM$/ },
		submits: 1,
	},
	{
		name: '401 (bad key, checked by the server)',
		arrange: () => {},
		apiKey: 'wrong-key-0000',
		outcome: { code: 'AUTH', message: 'Segmind rejected the API key (HTTP 401)' },
		submits: 1,
		jobs: 0,
	},
	{
		name: '402 (no credits, checked by the server)',
		arrange: (f) => {
			f.credits = 0;
		},
		outcome: { code: 'CREDITS', message: 'Not enough Segmind credits (HTTP 402)' },
		submits: 1,
		jobs: 0,
	},
	{
		name: '406',
		arrange: (f) => f.respond('submit', { status: 406, body: { error: 'Not enough credits' } }),
		outcome: { code: 'CREDITS', message: 'Not enough Segmind credits (HTTP 406)' },
		submits: 1,
		jobs: 0,
	},
	{
		name: '403',
		arrange: (f) => f.respond('submit', { status: 403, body: { error: 'Forbidden' } }),
		outcome: { code: 'FORBIDDEN', message: /does not allow this account to run workflow/ },
		submits: 1,
		jobs: 0,
	},
	{
		name: '404 on a poll (request past retention)',
		arrange: (f) => f.respond('poll', { status: 404, body: { error: 'Request not found' } }),
		outcome: {
			code: 'NOT_FOUND',
			message: /Segmind no longer knows request [0-9a-f]{32} \(HTTP 404\)/,
		},
		submits: 1,
	},
	{
		name: '422 on the submit',
		arrange: (f) =>
			f.respond('submit', { status: 422, body: { error: 'text_prompt is required' } }),
		outcome: {
			code: 'INVALID_INPUT',
			message: 'Segmind refused the input (HTTP 422): text_prompt is required',
		},
		submits: 1,
		jobs: 0,
	},
	{
		name: 'a non-JSON 200 on polls, every time: retried, then a clear error',
		arrange: (f) => f.respond('poll', { status: 200, body: '<html>maintenance</html>', times: 20 }),
		parameters: { options: { timeout: 4 } },
		outcome: {
			code: 'INVALID_RESPONSE',
			message: /answer to the poll could not be read: "<html>maintenance<\/html>"/,
		},
		submits: 1,
	},
	{
		name: 'a non-JSON 200 to the submit: NOT resent',
		arrange: (f) => f.respond('submit', { status: 200, body: 'OK' }),
		outcome: { code: 'INVALID_RESPONSE', message: /answer to the submit could not be read: "OK"/ },
		submits: 1,
		jobs: 0,
	},
	{
		name: 'a submit answer with neither request_id nor poll_url',
		arrange: (f) => f.respond('submit', { status: 200, body: { status: 'QUEUED', message: 'ok' } }),
		outcome: {
			code: 'INVALID_RESPONSE',
			message: 'Segmind accepted the prompt but its answer named no request ID and no poll URL',
		},
		submits: 1,
		jobs: 0,
	},
	{
		name: 'an unknown status until the timeout: TIMEOUT naming it, the request id and the poll URL',
		arrange: (f) => f.setScenario({ pendingStatus: 'WARMING_UP', neverFinish: true }),
		parameters: { options: { timeout: 2 } },
		outcome: {
			code: 'TIMEOUT',
			message: /had not finished request [0-9a-f]{32} after 2 s \(last status: WARMING_UP\)/,
		},
		submits: 1,
		check: (r, f) =>
			expect(errorOf(r).description).toContain(`/workflows/request/${f.jobs[0].requestId}`),
	},
	{
		name: 'a foreign-origin poll_url: followed without the key',
		arrange: (f) => f.setScenario({ pollPath: 'foreign' }),
		outcome: 'image',
		submits: 1,
		check: (_r, f) =>
			expect(pollsOf(f).every((poll) => poll.host === 'images' && !poll.headers['x-api-key'])).toBe(
				true,
			),
	},
	{
		name: 'the image URL answers 404',
		arrange: (f) => f.respond('image', { status: 404, body: 'NoSuchKey' }),
		outcome: {
			code: 'NOT_FOUND',
			message: /image could not be downloaded: its URL answered HTTP 404/,
		},
		submits: 1,
		check: (r) =>
			expect(errorOf(r).context.image_output).toEqual(expect.stringContaining('/images/')),
	},
];

describe('fault matrix', () => {
	test.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
		row.arrange(fake);
		const result = await run(
			fake,
			{ options: { pollInterval: 0.5 }, ...row.parameters },
			{ apiKey: row.apiKey },
		);
		if (row.outcome === 'image') {
			expect(result.error).toBeUndefined();
			const [item] = result.items!;
			expect(item.json.request_id).toBe(fake.jobs[0].requestId);
			expect(item.binary?.data).toBeDefined();
		} else {
			const error = errorOf(result);
			expect(error.context.code).toBe(row.outcome.code);
			if (typeof row.outcome.message === 'string') expect(error.message).toBe(row.outcome.message);
			else expect(error.message).toMatch(row.outcome.message);
			// Every error names the job once there is one.
			if (fake.jobs.length === 1 && row.jobs === undefined)
				expect(error.context.request_id).toBe(fake.jobs[0].requestId);
		}
		expect(fake.requestsTo('submit')).toHaveLength(row.submits);
		expect(fake.jobs).toHaveLength(row.jobs ?? 1);
		row.check?.(result, fake);
		expectKeyOnlyOnApi(fake, result, row.apiKey);
	});
});
