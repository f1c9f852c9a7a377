/**
 * What a user sees on every variant of Segmind's answers that public sources allow (the last
 * section of shared/segmind-api.md), each played by the fake: a proxy or gateway as Base URL with
 * Segmind's absolute poll URLs, a job known only by its request ID, credits in the body, 410, UUID
 * request IDs, the Workflow ID pasted in its other forms, and a malformed poll URL after a paid
 * submit.
 */
import type { ApiPollPath } from '../fake-segmind';
import { errorOf, expectKeyOnlyOnApi, run, useFakeSegmind } from './helpers';

const GATEWAY = '/gateway/segmind';
const FLUX = '66ba4126364d0f944f366a8f-v2';

describe("a proxy or gateway as Base URL: Segmind's poll URLs name https://api.segmind.com", () => {
	const fake = useFakeSegmind({ pathPrefix: GATEWAY, scenario: { pollOrigin: 'segmind' } });

	test.each<[ApiPollPath, string]>([
		['workflows-request', '/workflows/request/'],
		['requests', '/requests/'],
		['v1-requests', '/v1/requests/'],
	])(
		'poll URL https://api.segmind.com%s<id>: polled through the Base URL, with the key',
		async (pollPath, path) => {
			fake.setScenario({ pollOrigin: 'segmind', pollPath });
			const result = await run(fake, {});
			expect(result.error).toBeUndefined();
			const [job] = fake.jobs;
			expect(result.items![0].json.request_id).toBe(job.requestId);
			const polls = fake.requestsTo('poll');
			expect(polls.length).toBeGreaterThan(0);
			for (const poll of polls) expect(poll.path).toBe(`${GATEWAY}${path}${job.requestId}`);
			// Every API call, polls included, reached the gateway with the key; the image host never had it.
			expectKeyOnlyOnApi(fake, result);
		},
	);

	test('a poll redirected to https://api.segmind.com is followed through the Base URL too', async () => {
		fake.respond('poll', { status: 302, redirectTo: 'segmind' });
		const result = await run(fake, {});
		expect(result.error).toBeUndefined();
		const [job] = fake.jobs;
		const polls = fake.requestsTo('poll');
		expect(polls[1].path).toBe(`${GATEWAY}/requests/${job.requestId}`);
		expectKeyOnlyOnApi(fake, result);
	});

	test('a poll refused with 401 after the submit was accepted: billed, named, never "nothing was billed"', async () => {
		fake.respond('poll', { status: 401, body: { error: 'Invalid API key' } });
		const error = errorOf(await run(fake, {}));
		const [job] = fake.jobs;
		expect(error.context).toMatchObject({
			code: 'AUTH',
			request_id: job.requestId,
			poll_url: `https://api.segmind.com/workflows/request/${job.requestId}`,
		});
		expect(error.message).toBe(
			`Segmind rejected the API key while reporting on request ${job.requestId} (HTTP 401)`,
		);
		expect(error.description).toMatch(/accepted this job, so it is billed/);
		expect(error.description).not.toMatch(/nothing was billed/i);
		expect(fake.requestsTo('submit')).toHaveLength(1);
	});

	test('a 403 on a poll: the same, as FORBIDDEN', async () => {
		fake.respond('poll', { status: 403, body: { error: 'Forbidden' } });
		const error = errorOf(await run(fake, {}));
		expect(error.context).toMatchObject({ code: 'FORBIDDEN', request_id: fake.jobs[0].requestId });
		expect(error.description).not.toMatch(/nothing was billed/i);
	});
});

describe('a job known only by its request ID: the documented poll paths in turn', () => {
	const fake = useFakeSegmind({ pollPaths: ['requests'], scenario: { pollPath: 'missing' } });

	test('a submit answer without a poll URL: a 404 on /workflows/request/ tries /requests/, kept for the next item', async () => {
		const result = await run(
			fake,
			{ downloadImage: false, options: { concurrency: 1 } },
			{ items: [{}, {}] },
		);
		expect(result.error).toBeUndefined();
		const [first, second] = fake.jobs;
		const paths = fake.requests.filter((r) => r.method === 'GET').map((r) => r.path);
		// One miss for the whole run: the second job starts on the path that answered the first.
		expect(paths.filter((p) => p.startsWith('/workflows/request/'))).toEqual([
			`/workflows/request/${first.requestId}`,
		]);
		expect(paths).toContain(`/requests/${second.requestId}`);
		expect(result.items!.map((item) => item.json.request_id)).toEqual([
			first.requestId,
			second.requestId,
		]);
		// The accepted-request line names the poll URL, for a recovery from the log alone.
		const accepted = result.logs.filter((e) => e.message.startsWith('Segmind accepted request'));
		expect(accepted[0].message).toMatch(
			new RegExp(
				`^Segmind accepted request ${first.requestId} \\(execution \\S+, item 0, poll URL http://\\S+/workflows/request/${first.requestId}\\)$`,
			),
		);
	});

	test('every path answers 404: NOT_FOUND naming the request, after trying each once', async () => {
		const requestId = '0f8fad5b-d9cb-469f-a165-70867728950e';
		const error = errorOf(await run(fake, { operation: 'getResult', requestId, pollUrl: '' }));
		expect(error.context).toMatchObject({ code: 'NOT_FOUND', request_id: requestId });
		expect(error.message).toBe(`Segmind no longer knows request ${requestId} (HTTP 404)`);
		expect(fake.requests.map((r) => r.path)).toEqual([
			`/workflows/request/${requestId}`,
			`/requests/${requestId}`,
			`/v1/requests/${requestId}`,
		]);
	});
});

describe('a job known only by its request ID, on a Segmind answering /v1/requests/ only', () => {
	const fake = useFakeSegmind({
		pollPaths: ['v1-requests'],
		scenario: { pollPath: 'v1-requests' },
	});

	test('Get Result by the request ID alone on a Segmind answering /v1/requests/ only', async () => {
		fake.setScenario({ pollPath: 'v1-requests', durationMs: 0 });
		await run(fake, { operation: 'submit' });
		const { requestId } = fake.jobs[0];
		const result = await run(fake, {
			operation: 'getResult',
			requestId,
			pollUrl: '',
			downloadImage: false,
		});
		expect(result.error).toBeUndefined();
		expect(result.items![0].json).toMatchObject({
			request_id: requestId,
			done: true,
			poll_url: `${fake.baseUrl}/v1/requests/${requestId}`,
		});
		expect(fake.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
			`/workflows/request/${requestId}`,
			`/requests/${requestId}`,
			`/v1/requests/${requestId}`,
		]);
	});
});

describe('answers the node reads since the third round of evidence', () => {
	const fake = useFakeSegmind({ retiredWorkflows: ['0123456789abcdef01234567-v1'] });

	test.each(['metrics', 'top-level'] as const)(
		'credits in the body only (%s): remaining_credits is the latest reading',
		async (creditsInBody) => {
			fake.setScenario({ creditsHeader: false, creditsInBody });
			const result = await run(fake, { downloadImage: false });
			expect(result.error).toBeUndefined();
			expect(result.items![0].json.remaining_credits).toBe(fake.credits);
			expect(fake.credits).toBe(99);
		},
	);

	test('UUID request IDs: Generate, then Get Result by the UUID alone', async () => {
		fake.setScenario({ requestIdFormat: 'uuid' });
		const result = await run(fake, {});
		expect(result.error).toBeUndefined();
		const { requestId } = fake.jobs[0];
		expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
		expect(result.items![0].json.request_id).toBe(requestId);
		expect(result.items![0].binary!.data.fileName).toBe(`${requestId}.png`);
		const again = await run(fake, { operation: 'getResult', requestId, pollUrl: '' });
		expect(again.items![0].json).toMatchObject({ request_id: requestId, done: true });
	});

	test('a retired workflow (410): RETIRED, check the Workflow ID, nothing billed', async () => {
		const error = errorOf(await run(fake, { workflowId: '0123456789abcdef01234567-v1' }));
		expect(error.context.code).toBe('RETIRED');
		expect(error.message).toBe(
			'Segmind has retired workflow 0123456789abcdef01234567-v1 or a model it uses (HTTP 410)',
		);
		expect(error.description).toMatch(/Check the Workflow ID.*Nothing was billed/s);
		expect(error.message).not.toMatch(/unexpected/);
		expect(fake.jobs).toHaveLength(0);
	});

	test.each<[string, string, string]>([
		[
			'the v2 API URL',
			'https://api.segmind.com/workflows/v2/0123456789abcdef01234568',
			'v2/0123456789abcdef01234568',
		],
		['v2/<id>', 'v2/0123456789abcdef01234568', 'v2/0123456789abcdef01234568'],
		['the API URL of the ID', `https://api.segmind.com/workflows/${FLUX}`, FLUX],
	])(
		'a Workflow ID given as %s is sent where Segmind means it',
		async (_name, workflowId, path) => {
			const result = await run(fake, { workflowId, downloadImage: false });
			expect(result.error).toBeUndefined();
			expect(fake.requestsTo('submit')[0].path).toBe(`/workflows/${path}`);
			expect(fake.jobs[0].workflowId).toBe(path);
			expect(result.items![0].json.workflow_id).toBe(path);
		},
	);

	test.each([
		['words', 'flux art generator'],
		['an encoded slash', 'v2%2F0123456789abcdef01234568'],
		["a web page's URL", 'https://www.segmind.com/pixelflows/ai-art-generator'],
	])(
		'a Workflow ID that is not one (%s) fails before anything is sent',
		async (_name, workflowId) => {
			const error = errorOf(await run(fake, { workflowId }));
			expect(error.message).toMatch(/is not a Segmind workflow ID/);
			expect(error.description).toMatch(/Nothing was sent to Segmind/);
			expect(fake.requests).toHaveLength(0);
		},
	);

	test('a paid submit whose poll URL holds a malformed %-escape and no request_id: the error names the job', async () => {
		fake.respond('submit', {
			status: 200,
			body: { poll_url: 'https://api.segmind.com/requests/ab%E0%A4%A', status: 'QUEUED' },
		});
		const error = errorOf(await run(fake, {}));
		expect(error.context).toMatchObject({
			request_id: 'ab%E0%A4%A',
			poll_url: 'https://api.segmind.com/requests/ab%E0%A4%A',
		});
	});
});

describe('a new account that never bought credits', () => {
	const fake = useFakeSegmind({ creditsNotFound: true });

	test('the credits endpoint answers 404 "No credits found": Get Credits reads 0', async () => {
		const result = await run(fake, { operation: 'getCredits' });
		expect(result.error).toBeUndefined();
		expect(result.items![0].json).toEqual({ credits: 0, free_credits: 0 });
	});

	test('a wrong key there is still AUTH', async () => {
		const error = errorOf(await run(fake, { operation: 'getCredits' }, { apiKey: 'nope-nope' }));
		expect(error.context.code).toBe('AUTH');
	});
});
