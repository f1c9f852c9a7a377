import { NO_CREDITS_ERROR, RETIRED_WORKFLOW_ERROR } from './index';
import { call, FLUX_WORKFLOW, keyHeaders, poll, submit } from './test-client';
import { useFake } from './use-fake';

/** What Segmind says beside a job: the balance in the body, retired workflows, new accounts. */
describe('FakeSegmind answer variants', () => {
	const fake = useFake();

	it("creditsInBody 'metrics', without the header: the balance in the body only", async () => {
		fake.setScenario({ creditsInBody: 'metrics', creditsHeader: false, durationMs: 10_000 });
		const queued = await submit(fake);
		const id = queued.json.request_id as string;
		expect(queued.json).toEqual({
			poll_url: `${fake.baseUrl}/workflows/request/${id}`,
			request_id: id,
			status: 'QUEUED',
			message: 'Request queued',
			metrics: { remaining_credits: 99 },
		});
		expect(queued.headers.has('x-remaining-credits')).toBe(false);
		const polled = await poll(fake, queued.json.poll_url as string);
		expect(polled.json).toEqual({ status: 'QUEUED', metrics: { remaining_credits: 99 } });
		expect(polled.headers.has('x-remaining-credits')).toBe(false);
		// The credits endpoint keeps its own body.
		const balance = await call(`${fake.baseUrl}/v1/get-user-credits`, {
			headers: keyHeaders(fake),
		});
		expect(balance.json).toEqual({ credits: 99, 'free-credits': 0 });
	});

	it("creditsInBody 'top-level' beside the header, on every job answer", async () => {
		fake.setScenario({ creditsInBody: 'top-level', creditsHeaderPolls: 0 });
		const queued = await submit(fake);
		expect(queued.json).toMatchObject({ status: 'QUEUED', remaining_credits: 99 });
		expect(queued.headers.get('x-remaining-credits')).toBe('99');
		await submit(fake);
		const done = await poll(fake, queued.json.poll_url as string);
		expect(done.json).toMatchObject({ status: 'COMPLETED', remaining_credits: 98 });
		expect(done.json.metrics).toBeUndefined();
		// creditsHeaderPolls limits the header only.
		expect(done.headers.has('x-remaining-credits')).toBe(false);

		fake.setScenario({ creditsInBody: 'top-level', completeOnSubmit: true });
		expect((await submit(fake)).json).toMatchObject({ status: 'COMPLETED', remaining_credits: 97 });
		fake.setScenario({ creditsInBody: 'metrics', fail: { shape: 'error', httpStatus: 422 } });
		const failing = await submit(fake);
		const failed = await poll(fake, failing.json.poll_url as string);
		expect([failed.status, failed.json]).toEqual([
			422,
			{ status: 'FAILED', error: 'Upstream model timeout', metrics: { remaining_credits: 96 } },
		]);
	});

	it('requestIdFormat uuid: request IDs with dashes, in every URL', async () => {
		fake.setScenario({ requestIdFormat: 'uuid' });
		const { json } = await submit(fake);
		const id = json.request_id as string;
		expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(fake.jobs[0]?.requestId).toBe(id);
		expect(json.poll_url).toBe(`${fake.baseUrl}/workflows/request/${id}`);
		const done = await poll(fake, `${fake.baseUrl}/v1/requests/${id}`);
		const imageUrl = `${fake.imageBaseUrl}/images/${id}.png`;
		expect(JSON.parse(done.json.output as string)[0].value.data).toBe(imageUrl);
		expect((await call(imageUrl)).status).toBe(200);
		fake.setScenario({});
		expect((await submit(fake)).json.request_id).toMatch(/^[0-9a-f]{32}$/);
	});

	it('a 405 as an HTML page and a 406 in plain text, scripted with respond()', async () => {
		const page = '<html><head><title>405 Not Allowed</title></head><body>405</body></html>';
		fake.respond('submit', { status: 405, body: page });
		fake.respond('submit', {
			status: 406,
			body: 'Insufficient credits',
			headers: { 'content-type': 'text/plain' },
		});
		const html = await submit(fake);
		expect([html.status, html.text, html.headers.get('content-type')]).toEqual([
			405,
			page,
			'text/html; charset=utf-8',
		]);
		const text = await submit(fake);
		expect([text.status, text.text, text.headers.get('content-type')]).toEqual([
			406,
			'Insufficient credits',
			'text/plain',
		]);
		expect(fake.jobs).toHaveLength(0);
	});
});

describe('FakeSegmind retiredWorkflows and creditsNotFound', () => {
	const retired = '5f9c2b6e1d3a4c7b8e0f1a2b';
	const fake = useFake({
		retiredWorkflows: [retired],
		creditsNotFound: true,
		scenario: { durationMs: 0 },
	});

	it('a submit to a retired workflow answers 410 on either path form, unbilled', async () => {
		for (const workflowId of [retired, `v2/${retired}`]) {
			const gone = await submit(fake, undefined, workflowId);
			expect([gone.status, gone.json]).toEqual([410, { error: RETIRED_WORKFLOW_ERROR }]);
			expect(gone.headers.get('content-type')).toBe('application/json');
		}
		expect(RETIRED_WORKFLOW_ERROR).toMatch(/^This model\/workflow has been deprecated/);
		expect((await submit(fake, undefined, retired, {})).status).toBe(401);
		expect(fake.jobs).toHaveLength(0);
		expect(fake.credits).toBe(100);
		expect(fake.requestsTo('submit')).toHaveLength(3);
		expect((await submit(fake, undefined, FLUX_WORKFLOW)).status).toBe(200);
	});

	it('the credits endpoint answers 404 to a good key, 401 to a bad one', async () => {
		const url = `${fake.baseUrl}/v1/get-user-credits`;
		const none = await call(url, { headers: keyHeaders(fake) });
		expect([none.status, none.json]).toEqual([404, { error: NO_CREDITS_ERROR }]);
		expect(NO_CREDITS_ERROR).toBe('No credits found for the user');
		expect(none.headers.has('x-remaining-credits')).toBe(false);
		const bad = await call(url, { headers: { 'x-api-key': 'nope' } });
		expect([bad.status, bad.json]).toEqual([401, { error: 'Invalid API key' }]);
		expect(fake.requestsTo('credits')).toHaveLength(2);
		// Submits are still billed from `credits`.
		expect((await submit(fake)).headers.get('x-remaining-credits')).toBe('99');
	});
});
