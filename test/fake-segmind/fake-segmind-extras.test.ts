import { crc32, inflateSync } from 'node:zlib';

import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

import { FakeSegmind } from './index';
import { JobSlots } from './limits';
import { call, keyHeaders, poll, sleep, submit } from './test-client';
import { useFake } from './use-fake';

describe('FakeSegmind scripted responses', () => {
	const fake = useFake();

	it('answers scripted responses FIFO per route, `times` times, then normally', async () => {
		fake.respond('submit', { status: 429, body: { error: 'Rate limit' }, times: 2 });
		fake.respond('submit', { status: 500, body: '<h1>oops</h1>' });
		fake.respond('poll', { status: 503, body: 'busy', headers: { 'content-type': 'text/plain' } });

		const first = await submit(fake);
		expect(first.status).toBe(429);
		expect(first.json).toEqual({ error: 'Rate limit' });
		expect(first.headers.get('content-type')).toBe('application/json');
		expect((await submit(fake)).status).toBe(429);
		const html = await submit(fake);
		expect(html.status).toBe(500);
		expect(html.text).toBe('<h1>oops</h1>');
		expect(html.headers.get('content-type')).toMatch(/^text\/html/);
		expect(fake.jobs).toHaveLength(0);

		const accepted = await submit(fake);
		expect(accepted.status).toBe(200);
		const busy = await poll(fake, accepted.json.poll_url as string);
		expect([busy.status, busy.text, busy.headers.get('content-type')]).toEqual([
			503,
			'busy',
			'text/plain',
		]);
		expect((await poll(fake, accepted.json.poll_url as string)).json.status).toBe('COMPLETED');
		expect(fake.requestsTo('submit')).toHaveLength(4);
		expect(fake.requestsTo('poll')).toHaveLength(2);
	});

	it('scripted answers take precedence over the key check and send headers as given', async () => {
		fake.respond('credits', { status: 200, body: { credits: 7 }, headers: { 'retry-after': '3' } });
		const answer = await call(`${fake.baseUrl}/v1/get-user-credits`);
		expect(answer.json).toEqual({ credits: 7 });
		expect(answer.headers.get('retry-after')).toBe('3');
		expect(answer.headers.get('x-remaining-credits')).toBeNull();
	});

	it('hangs without answering, and stop() still closes everything', async () => {
		const other = new FakeSegmind();
		await other.start();
		other.respond('poll', { status: 200, hang: true });
		const hung = fetch(`${other.baseUrl}/requests/abc`, {
			headers: { 'x-api-key': other.apiKey },
			signal: AbortSignal.timeout(300),
		});
		await expect(hung).rejects.toThrow();
		expect(other.requestsTo('poll')).toHaveLength(1);

		other.respond('image', { status: 200, hang: true });
		const stillHanging = fetch(`${other.imageBaseUrl}/images/x.png`).catch((e: unknown) => e);
		await sleep(50);
		const before = Date.now();
		await other.stop();
		expect(Date.now() - before).toBeLessThan(1000);
		// fetch rejects with a TypeError from Node's realm, not jest's, so compare by name.
		expect(((await stillHanging) as { name?: string }).name).toBe('TypeError');
		expect(() => other.baseUrl).toThrow();
	});

	it('destroys the socket, with or without accepting the job first', async () => {
		fake.respond('submit', { status: 200, destroy: true });
		await expect(submit(fake)).rejects.toThrow();
		expect(fake.jobs).toHaveLength(0);
		expect(fake.credits).toBe(100);

		fake.respond('submit', { status: 200, destroy: true, afterAccept: true });
		await expect(submit(fake, { text_prompt: 'lost answer' })).rejects.toThrow();
		expect(fake.jobs.map((job) => job.prompt)).toEqual(['lost answer']);
		expect(fake.credits).toBe(99);
		expect(fake.requestsTo('submit')).toHaveLength(2);
		expect(fake.requestsTo('submit')[1]?.body).toBe('{"text_prompt":"lost answer"}');
	});
});

describe('FakeSegmind images and instances', () => {
	const fake = useFake();

	async function jobFor(prompt: string): Promise<string> {
		return (await submit(fake, { text_prompt: prompt })).json.request_id as string;
	}

	it('serves a well-formed PNG whose pixels depend on the prompt', async () => {
		const fox = fake.imageBytesFor(await jobFor('a red fox'));
		const whale = fake.imageBytesFor(await jobFor('a blue whale'));
		const foxAgain = fake.imageBytesFor(await jobFor('a red fox'));
		expect(fox.equals(whale)).toBe(false);
		expect(fox.equals(foxAgain)).toBe(true);

		expect(fox.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
		let offset = 8;
		const chunks: Array<{ type: string; data: Buffer }> = [];
		while (offset < fox.length) {
			const length = fox.readUInt32BE(offset);
			const typeAndData = fox.subarray(offset + 4, offset + 8 + length);
			expect(fox.readUInt32BE(offset + 8 + length)).toBe(crc32(typeAndData));
			const type = typeAndData.subarray(0, 4).toString('ascii');
			chunks.push({ type, data: typeAndData.subarray(4) });
			offset += 12 + length;
		}
		expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
		const header = chunks[0]?.data ?? Buffer.alloc(0);
		const size = [header.readUInt32BE(0), header.readUInt32BE(4)];
		expect([...size, header[8], header[9]]).toEqual([32, 32, 8, 2]);
		expect(inflateSync(chunks[1]?.data ?? Buffer.alloc(0))).toHaveLength(32 * (1 + 32 * 3));
		expect(PNG.sync.read(fox)).toMatchObject({ width: 32, height: 32 });
	});

	it('pads large images with chunks and segments that decoders skip', async () => {
		const id = await jobFor('a large prompt');
		const plain = fake.imageBytesFor(id);
		fake.setScenario({ imagePaddingBytes: 100_000 });
		const padded = fake.imageBytesFor(await jobFor('a large prompt'));
		expect(padded.length).toBeGreaterThan(100_000);
		expect(PNG.sync.read(padded).data.equals(PNG.sync.read(plain).data)).toBe(true);

		fake.setScenario({ imageFormat: 'jpeg', imagePaddingBytes: 100_000 });
		const jpeg = fake.imageBytesFor(await jobFor('a large prompt'));
		expect(jpeg.length).toBeGreaterThan(100_000);
		expect(decodeJpeg(jpeg)).toMatchObject({ width: 32, height: 32 });
	});

	it('serves JPEG (baseline JFIF) at .jpg with the right or overridden content-type', async () => {
		fake.setScenario({ imageFormat: 'jpeg' });
		const id = await jobFor('a jpeg prompt');
		const bytes = fake.imageBytesFor(id);
		expect(bytes.subarray(0, 4).toString('hex')).toBe('ffd8ffe0');
		expect(bytes.subarray(6, 11).toString('ascii')).toBe('JFIF\0');
		expect(bytes.subarray(-2).toString('hex')).toBe('ffd9');
		const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
		expect([bytes.readUInt16BE(sof + 5), bytes.readUInt16BE(sof + 7)]).toEqual([32, 32]);

		const image = await fetch(`${fake.imageBaseUrl}/images/${id}.jpg`);
		expect(image.headers.get('content-type')).toBe('image/jpeg');
		expect(Buffer.from(await image.arrayBuffer()).equals(bytes)).toBe(true);
		expect((await call(`${fake.imageBaseUrl}/images/${id}.png`)).status).toBe(404);
		expect((await call(`${fake.imageBaseUrl}/images/${'0'.repeat(32)}.jpg`)).status).toBe(404);
		expect(() => fake.imageBytesFor('unknown')).toThrow();

		fake.setScenario({ imageFormat: 'jpeg', imageContentType: 'application/octet-stream' });
		const other = await jobFor('another');
		const overridden = await fetch(`${fake.imageBaseUrl}/images/${other}.jpg`);
		expect(overridden.headers.get('content-type')).toBe('application/octet-stream');
		expect(fake.imageBytesFor(other).equals(bytes)).toBe(false);
	});

	it('keeps a scenario per job: later changes do not affect submitted jobs', async () => {
		fake.setScenario({ durationMs: 5000 });
		const slow = await submit(fake);
		fake.scenario.durationMs = 0;
		const fast = await submit(fake);
		expect((await poll(fake, slow.json.poll_url as string)).json.status).toBe('QUEUED');
		expect((await poll(fake, fast.json.poll_url as string)).json.status).toBe('COMPLETED');
	});

	it('runs many jobs at once and several independent instances', async () => {
		const second = new FakeSegmind({ apiKey: 'other-key', credits: 3, costPerJob: 2 });
		await second.start();
		try {
			const answers = await Promise.all(
				Array.from({ length: 20 }, (_, index) => submit(fake, { text_prompt: `job ${index}` })),
			);
			expect(new Set(answers.map((answer) => answer.json.request_id)).size).toBe(20);
			expect(fake.credits).toBe(80);

			expect((await submit(second, undefined, undefined, keyHeaders(fake))).status).toBe(401);
			expect((await submit(second)).status).toBe(200);
			expect((await submit(second)).status).toBe(402);
			expect(second.credits).toBe(1);
			expect(second.jobs).toHaveLength(1);
			expect(fake.jobs).toHaveLength(20);
		} finally {
			await second.stop();
		}
	});
});

describe('FakeSegmind limits', () => {
	it('rate limit: API requests past the limit are answered 429 and counted; images are not', async () => {
		const limited = new FakeSegmind({ rateLimitPerMinute: 3, scenario: { durationMs: 0 } });
		await limited.start();
		try {
			const first = await submit(limited, { text_prompt: 'first' });
			const requestId = first.json.request_id as string;
			expect((await poll(limited, first.json.poll_url as string)).status).toBe(200);
			expect((await submit(limited, { text_prompt: 'second' })).status).toBe(200);
			// The fourth API request in the minute is refused, whatever its route, and makes no job.
			const refused = await submit(limited, { text_prompt: 'third' });
			expect([refused.status, refused.json]).toEqual([429, { error: 'Rate limit exceeded' }]);
			// The shorthand's plan sends no rate headers, as before plans existed.
			expect(refused.headers.get('x-rate-limit-reset-at-utc')).toBeNull();
			expect(refused.headers.get('x-rate-limit-remaining')).toBeNull();
			expect((await poll(limited, first.json.poll_url as string)).status).toBe(429);
			expect(limited.rateLimited).toBe(2);
			expect(limited.jobs.map((job) => job.prompt)).toEqual(['first', 'second']);
			// The image host is not the API: its downloads are outside the limit.
			const image = await call(`${limited.imageBaseUrl}/images/${requestId}.png`);
			expect(image.status).toBe(200);
			// Refused requests are still recorded, under their route too, and marked.
			expect(limited.requests.filter((request) => request.host === 'api')).toHaveLength(5);
			expect(limited.requestsTo('submit').map((request) => request.rateLimited)).toEqual([
				undefined,
				undefined,
				true,
			]);

			limited.reset();
			expect(limited.rateLimited).toBe(0);
			expect((await submit(limited)).status).toBe(200);
		} finally {
			await limited.stop();
		}
	});

	it('capacity: a job submitted while every slot is busy waits for the first to free', async () => {
		const busy = new FakeSegmind({ capacity: 1, scenario: { durationMs: 1_000 } });
		await busy.start();
		try {
			const first = await submit(busy, { text_prompt: 'first' });
			const second = await submit(busy, { text_prompt: 'second' });
			const [one, two] = busy.jobs;
			expect(one.startsAt).toBe(one.submittedAt);
			expect(two.startsAt).toBe(one.completesAt);
			expect(two.completesAt).toBe(one.completesAt + 1_000);
			// Over HTTP: once the first is done, the second has only just started (1 s to go, a
			// margin for a slow machine); without the limit it would be done too.
			while (Date.now() < one.completesAt) await sleep(20);
			expect((await poll(busy, first.json.poll_url as string)).json.status).toBe('COMPLETED');
			const status = (await poll(busy, second.json.poll_url as string)).json.status;
			expect(['QUEUED', 'PROCESSING']).toContain(status);
		} finally {
			await busy.stop();
		}
	});

	it('capacity: slots are booked by end time, several at once', () => {
		const slots = new JobSlots(2);
		expect([slots.start(0, 100), slots.start(0, 300), slots.start(10, 50)]).toEqual([0, 0, 100]);
		// Slots now end at 150 and 300: the next job takes the one ending first.
		expect(slots.start(20, 10)).toBe(150);
		slots.reset();
		expect(slots.start(20, 10)).toBe(20);
		expect(new JobSlots().start(5, 1_000)).toBe(5);
	});
});

describe('FakeSegmind credits header and redirects', () => {
	const fake = useFake();

	it('creditsHeaderPolls: the submit and the first N polls carry the header, later polls not', async () => {
		fake.setScenario({ creditsHeaderPolls: 1 });
		const { json, headers } = await submit(fake);
		expect(headers.get('x-remaining-credits')).toBe('99');
		const url = json.poll_url as string;
		const polled = [await poll(fake, url), await poll(fake, url), await poll(fake, url)];
		expect(polled.map((answer) => answer.headers.get('x-remaining-credits'))).toEqual([
			'99',
			null,
			null,
		]);
		expect(polled.map((answer) => answer.json.status)).toEqual(Array(3).fill('COMPLETED'));
	});

	it.each([
		['images', () => fake.imageBaseUrl],
		['api', () => fake.baseUrl],
	] as const)(
		'a poll redirected to the %s host: Location names the same job',
		async (host, origin) => {
			fake.respond('poll', { status: 302, redirectTo: host });
			const { json } = await submit(fake);
			const id = json.request_id as string;
			const redirect = await fetch(json.poll_url as string, {
				headers: { 'x-api-key': fake.apiKey },
				redirect: 'manual',
			});
			expect(redirect.status).toBe(302);
			expect(redirect.headers.get('location')).toBe(`${origin()}/requests/${id}`);
			// Only one redirect was scripted: its target answers normally (the image host without a key).
			const target = await poll(fake, redirect.headers.get('location')!, host === 'api');
			expect(target.json.status).toBe('COMPLETED');
			expect(fake.requestsTo('poll').map((request) => request.host)).toEqual(['api', host]);
		},
	);
});
