import type { InjectionRequest } from './index';
import { call, poll, sleep, submit } from './test-client';
import { useFake } from './use-fake';

/** The `inject` and `scenarioFor` options: faults chosen per request (by prompt), e.g. by a soak. */
describe('FakeSegmind inject and scenarioFor', () => {
	const seen: Array<{ route: string; prompt?: string; requestId?: string }> = [];
	const fake = useFake({
		scenario: { durationMs: 0 },
		scenarioFor: (prompt) =>
			prompt === 'will fail' ? { fail: { shape: 'error', httpStatus: 200 } } : undefined,
		inject: (route, request: InjectionRequest) => {
			seen.push({ route, prompt: request.prompt, requestId: request.requestId });
			if (route === 'submit' && request.prompt === 'busy')
				return { status: 429, body: { error: 'Rate limit' }, headers: { 'retry-after': '2' } };
			if (route === 'submit' && request.prompt === 'lost')
				return { status: 200, destroy: true, afterAccept: true };
			if (route === 'poll' && request.prompt === 'bad gateway')
				return { status: 502, body: '<html><body>Bad Gateway</body></html>' };
			if (route === 'image' && request.prompt === 'expired') return { status: 410 };
			return undefined;
		},
	});

	beforeEach(() => {
		seen.length = 0;
	});

	it('answers what inject returns, ahead of scripted answers, and logs it', async () => {
		fake.respond('submit', { status: 500, body: { error: 'scripted' } });
		const busy = await submit(fake, { text_prompt: 'busy' });
		expect([busy.status, busy.headers.get('retry-after'), busy.json]).toEqual([
			429,
			'2',
			{ error: 'Rate limit' },
		]);
		// The scripted answer is still queued: the next request inject passes on gets it.
		expect((await submit(fake, { text_prompt: 'calm' })).status).toBe(500);
		expect((await submit(fake, { text_prompt: 'calm' })).status).toBe(200);
		expect(fake.jobs.map((job) => job.prompt)).toEqual(['calm']);
		expect(fake.injected).toEqual([
			{
				route: 'submit',
				requestId: undefined,
				prompt: 'busy',
				response: { status: 429, body: { error: 'Rate limit' }, headers: { 'retry-after': '2' } },
				time: expect.any(Number),
			},
		]);
	});

	it('gives polls and images the prompt of their job, and unknown jobs none', async () => {
		const ok = await submit(fake, { text_prompt: 'bad gateway' });
		const id = ok.json.request_id as string;
		const first = await poll(fake, ok.json.poll_url as string);
		expect([first.status, first.text]).toEqual([502, '<html><body>Bad Gateway</body></html>']);
		expect(first.headers.get('content-type')).toMatch(/^text\/html/);
		// inject is asked again; this caller injects on every poll of the prompt, so once more.
		expect((await poll(fake, ok.json.poll_url as string)).status).toBe(502);
		await call(`${fake.baseUrl}/requests/${'0'.repeat(32)}`, {
			headers: { 'x-api-key': fake.apiKey },
		});
		expect(seen).toEqual([
			{ route: 'submit', prompt: 'bad gateway', requestId: undefined },
			{ route: 'poll', prompt: 'bad gateway', requestId: id },
			{ route: 'poll', prompt: 'bad gateway', requestId: id },
			{ route: 'poll', prompt: undefined, requestId: '0'.repeat(32) },
		]);

		const expired = await submit(fake, { text_prompt: 'expired' });
		const done = await poll(fake, expired.json.poll_url as string);
		expect(done.json.status).toBe('COMPLETED');
		const image = await call(`${fake.imageBaseUrl}/images/${expired.json.request_id}.png`);
		expect(image.status).toBe(410);
		expect(fake.injected.map((i) => [i.route, i.prompt, i.response.status])).toEqual([
			['poll', 'bad gateway', 502],
			['poll', 'bad gateway', 502],
			['image', 'expired', 410],
		]);
	});

	it('logs the job an afterAccept submit made before its socket was destroyed', async () => {
		await expect(submit(fake, { text_prompt: 'lost' })).rejects.toThrow();
		await sleep(20);
		expect(fake.jobs.map((job) => job.prompt)).toEqual(['lost']);
		expect(fake.credits).toBe(99);
		expect(fake.injected).toEqual([
			expect.objectContaining({
				route: 'submit',
				prompt: 'lost',
				requestId: fake.jobs[0]?.requestId,
			}),
		]);
	});

	it('scenarioFor shapes only the jobs of the prompts it names', async () => {
		const failing = await submit(fake, { text_prompt: 'will fail' });
		const fine = await submit(fake, { text_prompt: 'will work' });
		expect((await poll(fake, failing.json.poll_url as string)).json).toEqual({
			status: 'FAILED',
			error: 'Upstream model timeout',
		});
		expect((await poll(fake, fine.json.poll_url as string)).json.status).toBe('COMPLETED');
	});
});
