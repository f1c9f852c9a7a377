import { FakeSegmind, SEGMIND_ORIGIN, type ApiPollPath } from './index';
import { call, FLUX_WORKFLOW, keyHeaders, poll, submit } from './test-client';
import { useFake } from './use-fake';

/** Where the API host answers: a gateway's path prefix, the poll path forms, the submit forms. */

/** `url` with Segmind's origin replaced by the fake's Base URL, as the node maps it. */
function throughBaseUrl(fake: FakeSegmind, url: string): string {
	expect(url.startsWith(`${SEGMIND_ORIGIN}/`)).toBe(true);
	return fake.baseUrl + url.slice(SEGMIND_ORIGIN.length);
}

describe('FakeSegmind pathPrefix (a proxy or gateway as Base URL)', () => {
	const fake = useFake({ pathPrefix: '/gateway/segmind', scenario: { durationMs: 0 } });
	const origin = () => new URL(fake.baseUrl).origin;

	it('serves every API route under the prefix, which baseUrl includes', async () => {
		expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gateway\/segmind$/);
		const { status, json } = await submit(fake);
		expect(status).toBe(200);
		const id = json.request_id as string;
		// The default scenario's poll URL is on the fake's own Base URL, so under the prefix.
		expect(json.poll_url).toBe(`${fake.baseUrl}/workflows/request/${id}`);
		for (const path of [`/requests/${id}`, `/workflows/request/${id}`, `/v1/requests/${id}`]) {
			expect((await poll(fake, `${fake.baseUrl}${path}`)).json.status).toBe('COMPLETED');
		}
		const credits = await call(`${fake.baseUrl}/v1/get-user-credits`, {
			headers: keyHeaders(fake),
		});
		expect(credits.json).toEqual({ credits: 99, 'free-credits': 0 });
		expect(fake.requestsTo('submit')[0]?.path).toBe(`/gateway/segmind/workflows/${FLUX_WORKFLOW}`);
		expect(fake.requestsTo('poll')).toHaveLength(3);
		expect(fake.requestsTo('credits')).toHaveLength(1);
	});

	it('answers 404 outside the prefix: no job, no route recorded', async () => {
		const answers = [
			await call(`${origin()}/workflows/${FLUX_WORKFLOW}`, {
				method: 'POST',
				headers: keyHeaders(fake),
				body: JSON.stringify({ text_prompt: 'skips the gateway' }),
			}),
			await call(`${origin()}/v1/get-user-credits`, { headers: keyHeaders(fake) }),
			await call(`${origin()}/gateway/segmind`, { headers: keyHeaders(fake) }),
			await call(`${origin()}/gateway/segmindx/v1/get-user-credits`, { headers: keyHeaders(fake) }),
		];
		for (const answer of answers) {
			expect(answer.status).toBe(404);
			expect(answer.json.error).toMatch(/^No route for /);
		}
		expect(fake.jobs).toHaveLength(0);
		expect(fake.requests).toHaveLength(4);
		expect(fake.requestsTo('submit')).toHaveLength(0);
		expect(fake.requestsTo('credits')).toHaveLength(0);
	});

	it("hands out poll URLs as the scenario says, and redirects 'api' under the prefix", async () => {
		fake.setScenario({ pollOrigin: 'segmind' });
		const segmind = await submit(fake);
		const id = segmind.json.request_id as string;
		expect(segmind.json.poll_url).toBe(`${SEGMIND_ORIGIN}/workflows/request/${id}`);
		fake.setScenario({ pollPath: 'relative' });
		expect((await submit(fake)).json.poll_url).toMatch(/^\/workflows\/request\/[0-9a-f]{32}$/);
		fake.setScenario({ pollPath: 'placeholder' });
		expect((await submit(fake)).json.poll_url).toMatch(/^<base_url>\/requests\/[0-9a-f]{32}$/);
		fake.setScenario({ pollPath: 'foreign' });
		expect((await submit(fake)).json.poll_url).toMatch(
			new RegExp(`^${fake.imageBaseUrl}/requests/[0-9a-f]{32}$`),
		);

		fake.respond('poll', { status: 307, redirectTo: 'api' });
		const redirect = await fetch(throughBaseUrl(fake, segmind.json.poll_url as string), {
			headers: { 'x-api-key': fake.apiKey },
			redirect: 'manual',
		});
		expect(redirect.headers.get('location')).toBe(`${fake.baseUrl}/requests/${id}`);
	});

	it('takes only a prefix a Base URL can end with', () => {
		for (const pathPrefix of ['gateway', '/gateway/', '/', '/a//b', '/a?b']) {
			expect(() => new FakeSegmind({ pathPrefix })).toThrow(/pathPrefix/);
		}
		expect(() => new FakeSegmind({ pathPrefix: '' })).not.toThrow();
	});
});

describe('FakeSegmind pollPaths (only some poll path forms answer)', () => {
	const paths: Record<ApiPollPath, (id: string) => string> = {
		requests: (id) => `/requests/${id}`,
		'workflows-request': (id) => `/workflows/request/${id}`,
		'v1-requests': (id) => `/v1/requests/${id}`,
	};

	it.each(Object.keys(paths) as ApiPollPath[])(
		'only %s: the other forms answer 404 like an unknown path',
		async (form) => {
			const fake = new FakeSegmind({ pollPaths: [form], scenario: { durationMs: 0 } });
			await fake.start();
			try {
				const id = (await submit(fake)).json.request_id as string;
				for (const [other, pathOf] of Object.entries(paths)) {
					const answer = await poll(fake, `${fake.baseUrl}${pathOf(id)}`);
					if (other === form) {
						expect([answer.status, answer.json.status]).toEqual([200, 'COMPLETED']);
					} else {
						expect(answer.status).toBe(404);
						expect(answer.json).toEqual({ error: `No route for GET ${pathOf(id)}` });
					}
				}
				expect(fake.requestsTo('poll').map((request) => request.path)).toEqual([paths[form](id)]);
				// The image host is another origin: its own poll form is not the API's to restrict.
				const foreign = await poll(fake, `${fake.imageBaseUrl}/requests/${id}`, false);
				expect(foreign.json.status).toBe('COMPLETED');
			} finally {
				await fake.stop();
			}
		},
	);
});

describe('FakeSegmind poll URLs on https://api.segmind.com (pollOrigin)', () => {
	const fake = useFake();

	it.each([
		['requests', '/requests/'],
		['workflows-request', '/workflows/request/'],
		['v1-requests', '/v1/requests/'],
	] as const)("pollPath %s with pollOrigin 'segmind'", async (pollPath, path) => {
		fake.setScenario({ pollPath, pollOrigin: 'segmind' });
		const { json } = await submit(fake);
		const id = json.request_id as string;
		expect(json.poll_url).toBe(`${SEGMIND_ORIGIN}${path}${id}`);
		// Mapped through the Base URL (the node's job), it answers on the fake.
		const polled = await poll(fake, throughBaseUrl(fake, json.poll_url as string));
		expect(polled.json.status).toBe('COMPLETED');
	});

	it('refuses pollOrigin segmind with a form that has no API origin', () => {
		for (const pollPath of ['relative', 'placeholder', 'missing', 'foreign'] as const) {
			expect(() => fake.setScenario({ pollPath, pollOrigin: 'segmind' })).toThrow(/pollOrigin/);
		}
		expect(
			() => new FakeSegmind({ scenario: { pollOrigin: 'segmind', pollPath: 'foreign' } }),
		).toThrow(/pollOrigin/);
	});

	it("a poll redirected to 'segmind': Location on https://api.segmind.com", async () => {
		fake.respond('poll', { status: 302, redirectTo: 'segmind' });
		const { json } = await submit(fake);
		const id = json.request_id as string;
		const redirect = await fetch(json.poll_url as string, {
			headers: { 'x-api-key': fake.apiKey },
			redirect: 'manual',
		});
		expect(redirect.status).toBe(302);
		expect(redirect.headers.get('location')).toBe(`${SEGMIND_ORIGIN}/requests/${id}`);
		const target = await poll(fake, throughBaseUrl(fake, redirect.headers.get('location')!));
		expect(target.json.status).toBe('COMPLETED');
	});
});

describe('FakeSegmind submit paths and redirects', () => {
	const fake = useFake();

	it('answers /workflows/v2/<id> too; the job records which path was used', async () => {
		expect((await submit(fake, { text_prompt: 'v1' })).status).toBe(200);
		const v2 = await submit(fake, { text_prompt: 'v2' }, `v2/${FLUX_WORKFLOW}`);
		expect(v2.status).toBe(200);
		expect((await poll(fake, v2.json.poll_url as string)).json.status).toBe('COMPLETED');
		expect(fake.jobs.map((job) => [job.prompt, job.workflowId])).toEqual([
			['v1', FLUX_WORKFLOW],
			['v2', `v2/${FLUX_WORKFLOW}`],
		]);
		expect(fake.requestsTo('submit').map((request) => request.path)).toEqual([
			`/workflows/${FLUX_WORKFLOW}`,
			`/workflows/v2/${FLUX_WORKFLOW}`,
		]);
		const unknown = await submit(fake, undefined, 'v2/not-a-workflow');
		expect([unknown.status, unknown.json]).toEqual([404, { error: 'Workflow not found' }]);
	});

	it('an encoded slash is part of the id, not a path: 404, no job', async () => {
		for (const workflowId of [`v2%2F${FLUX_WORKFLOW}`, `v2%2f${FLUX_WORKFLOW}`]) {
			const encoded = await submit(fake, undefined, workflowId);
			expect([encoded.status, encoded.json]).toEqual([404, { error: 'Workflow not found' }]);
		}
		expect(fake.jobs).toHaveLength(0);
		expect(fake.credits).toBe(100);
		expect(fake.requestsTo('submit')[0]?.path).toBe(`/workflows/v2%2F${FLUX_WORKFLOW}`);
	});

	it.each([307, 308])(
		'a %d to the same path on the API host: the repeated POST makes the job, the first not',
		async (status) => {
			fake.respond('submit', { status, redirectTo: 'api' });
			const first = await fetch(`${fake.baseUrl}/workflows/v2/${FLUX_WORKFLOW}`, {
				method: 'POST',
				headers: keyHeaders(fake),
				body: JSON.stringify({ text_prompt: 'once' }),
				redirect: 'manual',
			});
			expect(first.status).toBe(status);
			expect(first.headers.get('location')).toBe(`${fake.baseUrl}/workflows/v2/${FLUX_WORKFLOW}`);
			expect(fake.jobs).toHaveLength(0);
			expect(fake.credits).toBe(100);

			// fetch repeats a 307/308 POST with its body, as a client may.
			fake.respond('submit', { status, redirectTo: 'api' });
			const followed = await submit(fake, { text_prompt: 'twice' });
			expect(followed.status).toBe(200);
			expect(fake.jobs.map((job) => job.prompt)).toEqual(['twice']);
			expect(fake.requestsTo('submit').map((request) => request.body)).toEqual([
				'{"text_prompt":"once"}',
				'{"text_prompt":"twice"}',
				'{"text_prompt":"twice"}',
			]);
		},
	);

	it.each([301, 302, 303])('a scripted %d of the submit makes no job', async (status) => {
		fake.respond('submit', { status, redirectTo: 'api' });
		const answer = await fetch(`${fake.baseUrl}/workflows/${FLUX_WORKFLOW}`, {
			method: 'POST',
			headers: keyHeaders(fake),
			body: JSON.stringify({ text_prompt: 'moved' }),
			redirect: 'manual',
		});
		expect(answer.status).toBe(status);
		expect(answer.headers.get('location')).toBe(`${fake.baseUrl}/workflows/${FLUX_WORKFLOW}`);
		expect(fake.jobs).toHaveLength(0);
		expect(fake.requestsTo('submit')).toHaveLength(1);
	});

	it.each([
		['images', (): string => fake.imageBaseUrl],
		['segmind', (): string => SEGMIND_ORIGIN],
	] as const)(
		'a submit redirected to the %s origin: Location names the same path',
		async (redirectTo, origin) => {
			fake.respond('submit', { status: 307, redirectTo, headers: { 'x-trace': 'kept' } });
			const answer = await fetch(`${fake.baseUrl}/workflows/${FLUX_WORKFLOW}?x=1`, {
				method: 'POST',
				headers: keyHeaders(fake),
				body: JSON.stringify({ text_prompt: 'elsewhere' }),
				redirect: 'manual',
			});
			expect(answer.status).toBe(307);
			expect(answer.headers.get('location')).toBe(`${origin()}/workflows/${FLUX_WORKFLOW}`);
			expect(answer.headers.get('x-trace')).toBe('kept');
			expect(fake.jobs).toHaveLength(0);
			// The image host has no submit route: a POST repeated there is a 404, not a submit.
			const repeated = await call(
				answer.headers.get('location')!.replace(SEGMIND_ORIGIN, fake.baseUrl),
				{
					method: 'POST',
					headers: redirectTo === 'images' ? {} : keyHeaders(fake),
					body: JSON.stringify({ text_prompt: 'elsewhere' }),
				},
			);
			expect(repeated.status).toBe(redirectTo === 'images' ? 404 : 200);
			expect(fake.requestsTo('submit')).toHaveLength(redirectTo === 'images' ? 1 : 2);
			expect(fake.jobs).toHaveLength(redirectTo === 'images' ? 0 : 1);
		},
	);

	it('redirectTo on the credits or image route is a fake error (500)', async () => {
		fake.respond('credits', { status: 302, redirectTo: 'api' });
		const answer = await call(`${fake.baseUrl}/v1/get-user-credits`, { headers: keyHeaders(fake) });
		expect(answer.status).toBe(500);
		expect(answer.json.error).toMatch(/redirectTo is only for polls and submits/);
	});
});
