/**
 * The image as binary data, in n8n's engine with binary data on disk (n8n 2.x's default): the
 * bytes are what the image host served, typed by their signature, and the key never goes there.
 */
import { binaryBytes, useBinaryDataMode } from '../harness/run-node';
import { errorOf, expectKeyOnlyOnApi, run, useFakeSegmind } from './helpers';

const fake = useFakeSegmind();
beforeAll(async () => await useBinaryDataMode('filesystem'));

describe('Download Image', () => {
	test.each([
		['png', 'image/png', 'png'],
		['jpeg', 'image/jpeg', 'jpg'],
	] as const)(
		'%s: the bytes the host served, MIME type and extension right',
		async (imageFormat, mimeType, extension) => {
			fake.setScenario({ imageFormat });
			const result = await run(fake, {});
			expect(result.error).toBeUndefined();
			const [item] = result.items!;
			const { requestId } = fake.jobs[0];
			const binary = item.binary!.data;
			expect(binary).toMatchObject({
				mimeType,
				fileExtension: extension,
				fileName: `${requestId}.${extension}`,
				fileType: 'image',
			});
			expect(binary.id).toMatch(/^filesystem(-v2)?:/);
			expect(await binaryBytes(binary)).toEqual(fake.imageBytesFor(requestId));
			// The JSON still carries the URL and the rest (AI tools read the JSON).
			expect(item.json).toMatchObject({
				image_output: expect.stringContaining(requestId),
				request_id: requestId,
			});
			const imageFetches = fake.requestsTo('image');
			expect(imageFetches).toHaveLength(1);
			expect(imageFetches[0].headers['x-api-key']).toBeUndefined();
			expectKeyOnlyOnApi(fake, result);
		},
	);

	test('the bytes win over a wrong content-type', async () => {
		fake.setScenario({ imageFormat: 'jpeg', imageContentType: 'application/octet-stream' });
		const result = await run(fake, {});
		expect(result.items![0].binary!.data).toMatchObject({
			mimeType: 'image/jpeg',
			fileExtension: 'jpg',
		});
	});

	test.each(['png', 'jpeg'] as const)(
		'a large %s (3 MB, many chunks) arrives byte for byte',
		async (imageFormat) => {
			fake.setScenario({ imageFormat, imagePaddingBytes: 3 * 1024 * 1024 });
			const result = await run(fake, {});
			const bytes = await binaryBytes(result.items![0].binary!.data);
			expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024);
			expect(bytes.equals(fake.imageBytesFor(fake.jobs[0].requestId))).toBe(true);
		},
	);

	test('a custom binary field name', async () => {
		const result = await run(fake, { options: { binaryPropertyName: 'artwork' } });
		expect(Object.keys(result.items![0].binary!)).toEqual(['artwork']);
	});

	test('Download Image off: JSON only, no fetch of the image', async () => {
		const result = await run(fake, { downloadImage: false });
		expect(result.items![0].binary).toBeUndefined();
		expect(fake.requestsTo('image')).toHaveLength(0);
	});

	test('several items: each its own image', async () => {
		const prompts = ['a fox', 'a whale', 'a parrot'];
		const result = await run(
			fake,
			{ textPrompt: '={{ $json.prompt }}' },
			{ items: prompts.map((prompt) => ({ prompt })) },
		);
		expect(result.error).toBeUndefined();
		expect(result.items!.map((item) => item.json.text_prompt)).toEqual(prompts);
		// Each item's bytes are its own prompt's image (the fake draws each prompt differently).
		for (const item of result.items!) {
			const job = fake.jobs.find((candidate) => candidate.prompt === item.json.text_prompt)!;
			expect(item.json.request_id).toBe(job.requestId);
			expect(await binaryBytes(item.binary!.data)).toEqual(fake.imageBytesFor(job.requestId));
		}
		const images = prompts.map((prompt) =>
			fake.imageBytesFor(fake.jobs.find((job) => job.prompt === prompt)!.requestId).toString('hex'),
		);
		expect(new Set(images).size).toBe(prompts.length);
	});

	test.each([
		[404, 'NOT_FOUND'],
		[403, 'FORBIDDEN'],
	])(
		'the image URL answers %d: a clear error that keeps image_output and request_id',
		async (status, code) => {
			fake.respond('image', { status, body: 'AccessDenied', times: 5 });
			const result = await run(fake, {});
			const error = errorOf(result);
			const { requestId } = fake.jobs[0];
			expect(error.message).toBe(
				`The image could not be downloaded: its URL answered HTTP ${status}, so it has expired or is not reachable`,
			);
			expect(error.context).toMatchObject({
				code,
				request_id: requestId,
				image_output: expect.stringContaining(requestId),
			});
			expect(error.description).toContain('Download Image');
			expect(fake.requestsTo('image')).toHaveLength(1);
			expect(fake.requestsTo('submit')).toHaveLength(1);
		},
	);

	test('under Continue On Fail the error item carries image_output', async () => {
		fake.respond('image', { status: 404, body: 'gone' });
		const result = await run(fake, {}, { onError: 'continueRegularOutput' });
		expect(result.items![0].json).toMatchObject({
			code: 'NOT_FOUND',
			request_id: fake.jobs[0].requestId,
			image_output: expect.any(String),
		});
	});

	test('a 503 and a reset from the image host are retried (an idempotent GET)', async () => {
		fake.respond('image', { status: 503, body: 'busy', headers: { 'retry-after': '0' } });
		fake.respond('image', { status: 0, destroy: true });
		const result = await run(fake, {});
		expect(result.error).toBeUndefined();
		expect(await binaryBytes(result.items![0].binary!.data)).toEqual(
			fake.imageBytesFor(fake.jobs[0].requestId),
		);
		expect(fake.requestsTo('image')).toHaveLength(3);
		expect(fake.requestsTo('submit')).toHaveLength(1);
	});
});
