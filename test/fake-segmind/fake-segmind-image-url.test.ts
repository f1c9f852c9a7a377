/** The image URL's extension and content-type can say another type than the bytes are. */
import { call, imageUrlOf, poll, sleep, submit } from './test-client';
import { useFake } from './use-fake';

const fake = useFake();

const PNG_SIGNATURE = '89504e470d0a1a0a';

it('serves PNG bytes at a .webp URL with the content-type it is told, and 404s .png', async () => {
	fake.setScenario({
		imageFormat: 'png',
		imageUrlExtension: 'webp',
		imageContentType: 'image/jpeg',
	});
	const accepted = await submit(fake);
	await sleep(5);
	const done = await poll(fake, accepted.json.poll_url as string);
	const requestId = accepted.json.request_id as string;
	const url = imageUrlOf(done.json);
	expect(url).toBe(`${fake.imageBaseUrl}/images/${requestId}.webp`);

	const image = await fetch(url);
	expect(image.status).toBe(200);
	expect(image.headers.get('content-type')).toBe('image/jpeg');
	const bytes = Buffer.from(await image.arrayBuffer());
	expect(bytes.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
	expect(bytes.equals(fake.imageBytesFor(requestId))).toBe(true);
	expect((await call(`${fake.imageBaseUrl}/images/${requestId}.png`)).status).toBe(404);
});

it("without it, the URL keeps the format's own extension", async () => {
	fake.setScenario({ imageFormat: 'jpeg' });
	const accepted = await submit(fake);
	await sleep(5);
	const done = await poll(fake, accepted.json.poll_url as string);
	expect(imageUrlOf(done.json)).toMatch(/\.jpg$/);
});
