/**
 * The image's type comes from its bytes, in the engine: PNG bytes served under another image type's
 * content-type and at another type's URL extension still come out as a PNG.
 */
import { binaryBytes } from '../harness/run-node';
import { run, useFakeSegmind } from './helpers';

const fake = useFakeSegmind();

describe('Download Image: the bytes decide the type', () => {
	test.each([
		['image/jpeg', 'jpg'],
		['image/webp', 'webp'],
		['image/gif', 'gif'],
	])(
		'PNG bytes served as %s at a .%s URL: image/png, .png',
		async (imageContentType, imageUrlExtension) => {
			fake.setScenario({ imageFormat: 'png', imageContentType, imageUrlExtension });
			const result = await run(fake, {});
			expect(result.error).toBeUndefined();
			const { requestId } = fake.jobs[0];
			const [item] = result.items!;
			// The fake did serve the misleading header at the misleading URL.
			expect(item.json.image_output).toBe(
				`${fake.imageBaseUrl}/images/${requestId}.${imageUrlExtension}`,
			);
			expect(fake.requestsTo('image')).toHaveLength(1);
			expect(item.binary!.data).toMatchObject({
				mimeType: 'image/png',
				fileExtension: 'png',
				fileName: `${requestId}.png`,
			});
			const bytes = await binaryBytes(item.binary!.data);
			expect(bytes.equals(fake.imageBytesFor(requestId))).toBe(true);
		},
	);
});
