import {
	FAILURE_REASONS,
	FakeSegmind,
	type FailureShape,
	type OutputShape,
	type PollPath,
} from './index';
import {
	apiPollUrl,
	call,
	FLUX_WORKFLOW,
	imageUrlOf,
	keyHeaders,
	poll,
	sleep,
	submit,
} from './test-client';
import { useFake } from './use-fake';

/**
 * A job's phases follow Date.now(). Sleeping through them only works if the machine wakes on
 * time; a loaded one overshoots a 250 ms phase. So time moves only when the test says: Date alone
 * is faked, sockets and timers stay real.
 */
function stopTheClock() {
	jest.useFakeTimers({
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
}

describe('FakeSegmind API host', () => {
	const fake = useFake();
	afterEach(() => jest.useRealTimers());

	it('listens on 127.0.0.1 with two distinct origins and no trailing slash', () => {
		expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(fake.imageBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(fake.imageBaseUrl).not.toBe(fake.baseUrl);
		expect(() => new FakeSegmind().baseUrl).toThrow(/not started/);
	});

	it('queues a job: request_id, poll_url, credits header and balance', async () => {
		fake.setScenario({ durationMs: 1000 });
		const answer = await submit(fake, { text_prompt: 'a red fox', extra: 1 });
		expect(answer.status).toBe(200);
		const requestId = answer.json.request_id as string;
		expect(requestId).toMatch(/^[0-9a-f]{32}$/);
		expect(answer.json).toEqual({
			poll_url: `${fake.baseUrl}/workflows/request/${requestId}`,
			request_id: requestId,
			status: 'QUEUED',
			message: 'Request queued',
		});
		expect(answer.headers.get('x-remaining-credits')).toBe('99');
		expect(fake.credits).toBe(99);
		expect(fake.jobs).toHaveLength(1);
		expect(fake.jobs[0]).toMatchObject({
			requestId,
			workflowId: FLUX_WORKFLOW,
			prompt: 'a red fox',
			body: { text_prompt: 'a red fox', extra: 1 },
		});
		expect(fake.requestsTo('submit')[0]?.headers['x-api-key']).toBe(fake.apiKey);
	});

	it('accepts Authorization: Bearer and rejects missing or wrong keys without a job', async () => {
		const bearer = await submit(fake, undefined, undefined, {
			authorization: `Bearer ${fake.apiKey}`,
		});
		expect(bearer.status).toBe(200);
		const missing = await submit(fake, undefined, undefined, {});
		const wrong = await submit(fake, undefined, undefined, { 'x-api-key': 'nope' });
		for (const answer of [missing, wrong]) {
			expect(answer.status).toBe(401);
			expect(answer.json).toEqual({ error: 'Invalid API key' });
		}
		expect(fake.jobs).toHaveLength(1);
		expect(fake.credits).toBe(99);
	});

	it('answers 402, 422 and 404 for credits, body and workflow problems', async () => {
		expect((await submit(fake, { text_prompt: '' })).json).toEqual({
			error: 'text_prompt is required',
		});
		expect((await submit(fake, 'not json')).status).toBe(422);
		expect((await submit(fake, ['text_prompt'])).status).toBe(422);
		const unknown = await submit(fake, undefined, 'not-a-workflow');
		expect(unknown.status).toBe(404);
		expect(unknown.json).toEqual({ error: 'Workflow not found' });
		expect((await submit(fake, undefined, '66ba4126364d0f944f366a8f')).status).toBe(200);

		fake.credits = 0.5;
		const broke = await submit(fake);
		expect(broke.status).toBe(402);
		expect(broke.json).toEqual({ error: 'Insufficient credits' });
		expect(fake.jobs).toHaveLength(1);
	});

	it('goes QUEUED, PROCESSING (empty output), COMPLETED with a downloadable image', async () => {
		fake.setScenario({ durationMs: 600 });
		stopTheClock();
		const queued = await submit(fake, { text_prompt: 'a blue whale' });
		const pollUrl = queued.json.poll_url as string;
		expect((await poll(fake, pollUrl)).json).toEqual({ status: 'QUEUED' });
		jest.advanceTimersByTime(350);
		const processing = await poll(fake, pollUrl);
		expect(processing.json).toEqual({ status: 'PROCESSING', output: '' });
		expect(processing.headers.get('x-remaining-credits')).toBe('99');
		jest.advanceTimersByTime(300);
		const done = await poll(fake, pollUrl);
		expect(done.json.status).toBe('COMPLETED');
		const requestId = queued.json.request_id as string;
		const imageUrl = `${fake.imageBaseUrl}/images/${requestId}.png`;
		expect(JSON.parse(done.json.output as string)).toEqual([
			{ keyname: 'image_output', value: { data: imageUrl, type: 'image' } },
		]);

		const image = await fetch(imageUrl);
		expect(image.status).toBe(200);
		expect(image.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await image.arrayBuffer())).toEqual(fake.imageBytesFor(requestId));
		const imageRequest = fake.requestsTo('image')[0];
		expect(imageRequest?.host).toBe('images');
		expect(imageRequest?.headers['x-api-key']).toBeUndefined();
	});

	it('needs the key for polls on the API host and 404s unknown request ids', async () => {
		const { json } = await submit(fake);
		expect((await poll(fake, json.poll_url as string, false)).status).toBe(401);
		const unknown = await poll(fake, apiPollUrl(fake, 'f'.repeat(32)));
		expect(unknown.status).toBe(404);
		expect(unknown.json).toEqual({ error: 'Request not found' });
	});

	const pathForms: Array<[PollPath, (fake: FakeSegmind, id: string) => string | undefined]> = [
		['requests', (f, id) => `${f.baseUrl}/requests/${id}`],
		['workflows-request', (f, id) => `${f.baseUrl}/workflows/request/${id}`],
		['v1-requests', (f, id) => `${f.baseUrl}/v1/requests/${id}`],
		['relative', (_f, id) => `/workflows/request/${id}`],
		['placeholder', (_f, id) => `<base_url>/requests/${id}`],
		['missing', () => undefined],
		['foreign', (f, id) => `${f.imageBaseUrl}/requests/${id}`],
	];
	it.each(pathForms)('pollPath %s gives the expected poll_url', async (pollPath, expected) => {
		fake.setScenario({ pollPath });
		const { json } = await submit(fake);
		const requestId = json.request_id as string;
		expect(json.poll_url).toBe(expected(fake, requestId));
	});

	it('answers polls on every path form, and key-less polls on the image host', async () => {
		const { json } = await submit(fake);
		const id = json.request_id as string;
		for (const path of [`/requests/${id}`, `/workflows/request/${id}`, `/v1/requests/${id}`]) {
			expect((await poll(fake, `${fake.baseUrl}${path}?x=1`)).json.status).toBe('COMPLETED');
		}
		const foreign = await poll(fake, `${fake.imageBaseUrl}/requests/${id}`, false);
		expect(foreign.json.status).toBe('COMPLETED');
		expect(fake.requestsTo('poll').map((r) => r.host)).toEqual(['api', 'api', 'api', 'images']);
		expect(fake.requestsTo('poll')[0]?.path).toBe(`/requests/${id}?x=1`);
	});

	const shapes: Array<[OutputShape, (url: string) => Record<string, unknown>]> = [
		[
			'output-list',
			(url) => ({ output: [{ keyname: 'art', value: { data: url, type: 'image' } }] }),
		],
		['output-object', (url) => ({ output: { art: url } })],
		['output-plain-values', (url) => ({ output: [{ keyname: 'art', value: url }] })],
		['flat', (url) => ({ art: url })],
		['flat-list', (url) => ({ art: [url] })],
	];
	it.each(shapes)('outputShape %s', async (outputShape, expected) => {
		fake.setScenario({ outputShape, outputKey: 'art', imageFormat: 'jpeg' });
		const { json } = await submit(fake);
		const done = await poll(fake, json.poll_url as string);
		const url = `${fake.imageBaseUrl}/images/${json.request_id as string}.jpg`;
		expect(done.json).toEqual({ status: 'COMPLETED', ...expected(url) });
		expect(imageUrlOf(done.json, 'art')).toBe(url);
	});

	it('honours statusCase, completedStatus and pendingStatus', async () => {
		fake.setScenario({ statusCase: 'lower', durationMs: 600 });
		stopTheClock();
		const lower = await submit(fake);
		expect(lower.json.status).toBe('queued');
		expect((await poll(fake, lower.json.poll_url as string)).json.status).toBe('queued');
		jest.advanceTimersByTime(350);
		expect((await poll(fake, lower.json.poll_url as string)).json.status).toBe('processing');
		jest.advanceTimersByTime(300);
		expect((await poll(fake, lower.json.poll_url as string)).json.status).toBe('completed');

		fake.setScenario({
			completedStatus: 'SUCCEEDED',
			pendingStatus: 'WARMING_UP',
			durationMs: 600,
		});
		const other = await submit(fake);
		expect((await poll(fake, other.json.poll_url as string)).json.status).toBe('WARMING_UP');
		jest.advanceTimersByTime(350);
		expect((await poll(fake, other.json.poll_url as string)).json).toEqual({
			status: 'WARMING_UP',
			output: '',
		});
		jest.advanceTimersByTime(300);
		expect((await poll(fake, other.json.poll_url as string)).json.status).toBe('SUCCEEDED');
	});

	it('keeps a neverFinish job pending', async () => {
		fake.setScenario({ neverFinish: true, durationMs: 20 });
		const { json } = await submit(fake);
		await sleep(60);
		expect((await poll(fake, json.poll_url as string)).json.status).toBe('PROCESSING');
	});

	it('ends jobs FAILED in every reason shape, with HTTP 200 or 422', async () => {
		for (const [shape, reason] of Object.entries(FAILURE_REASONS)) {
			fake.setScenario({ fail: { shape: shape as FailureShape } });
			const { json } = await submit(fake);
			const failed = await poll(fake, json.poll_url as string);
			expect(failed.status).toBe(200);
			expect(failed.json).toEqual({ status: 'FAILED', ...reason });
		}
		fake.setScenario({ fail: { shape: 'error', httpStatus: 422 } });
		const { json } = await submit(fake);
		expect((await poll(fake, json.poll_url as string)).status).toBe(422);
	});

	it('ends jobs with a terminalStatus and a message', async () => {
		fake.setScenario({ terminalStatus: 'CANCELLED' });
		const { json } = await submit(fake);
		const cancelled = await poll(fake, json.poll_url as string);
		expect(cancelled.json.status).toBe('CANCELLED');
		expect(typeof cancelled.json.message).toBe('string');
	});

	it('can complete on submit, omit request_id, and leave out the credits header', async () => {
		fake.setScenario({ completeOnSubmit: true, durationMs: 10_000, outputShape: 'flat' });
		const complete = await submit(fake);
		const id = complete.json.request_id as string;
		expect(complete.json).toEqual({
			poll_url: apiPollUrl(fake, id),
			request_id: id,
			status: 'COMPLETED',
			image_output: `${fake.imageBaseUrl}/images/${id}.png`,
		});
		expect((await poll(fake, apiPollUrl(fake, id))).json.status).toBe('COMPLETED');

		fake.setScenario({ submitOmitsRequestId: true, creditsHeader: false });
		const anonymous = await submit(fake);
		expect(anonymous.json.request_id).toBeUndefined();
		expect(anonymous.json.poll_url).toBe(apiPollUrl(fake, fake.jobs[1]?.requestId ?? ''));
		expect(anonymous.headers.get('x-remaining-credits')).toBeNull();
		const polled = await poll(fake, anonymous.json.poll_url as string);
		expect(polled.headers.has('x-remaining-credits')).toBe(false);
	});

	it('reports the balance on /v1/get-user-credits (key required)', async () => {
		await submit(fake);
		const url = `${fake.baseUrl}/v1/get-user-credits`;
		const balance = await call(url, { headers: keyHeaders(fake) });
		expect(balance.json).toEqual({ credits: 99, 'free-credits': 0 });
		expect(balance.headers.get('x-remaining-credits')).toBe('99');
		expect((await call(url)).status).toBe(401);
		expect(fake.requestsTo('credits')).toHaveLength(2);
	});

	it('404s unknown routes with JSON and still records them', async () => {
		const answer = await call(`${fake.baseUrl}/nope`, { method: 'DELETE' });
		expect(answer.status).toBe(404);
		expect(answer.headers.get('content-type')).toMatch(/application\/json/);
		expect((await call(`${fake.imageBaseUrl}/workflows/x`, { method: 'POST' })).status).toBe(404);
		expect(fake.requests.map((r) => [r.method, r.host])).toEqual([
			['DELETE', 'api'],
			['POST', 'images'],
		]);
	});

	it('resets requests, jobs, scenario and credits to the instance defaults', async () => {
		fake.setScenario({ durationMs: 5000 });
		await submit(fake);
		fake.reset();
		expect(fake.requests).toEqual([]);
		expect(fake.jobs).toEqual([]);
		expect(fake.credits).toBe(100);
		expect(fake.scenario.durationMs).toBe(0);
		expect(fake.scenario.outputShape).toBe('output-string');
	});
});
