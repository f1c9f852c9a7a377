import { parseWorkflowId } from '../../nodes/FluxArtGenerator/actions/fields';

const FLUX = '66ba4126364d0f944f366a8f-v2';

describe('parseWorkflowId: what a pasted Workflow ID means', () => {
	test.each<[string, string, string]>([
		['the bare ID', FLUX, FLUX],
		['spaces around it', `  ${FLUX} `, FLUX],
		['v2/<id>', 'v2/66ba4126364d0f944f366a8f', 'v2/66ba4126364d0f944f366a8f'],
		['V2/<id> in another case', 'V2/66ba4126364d0f944f366a8f', 'v2/66ba4126364d0f944f366a8f'],
		['the whole API URL', `https://api.segmind.com/workflows/${FLUX}`, FLUX],
		[
			'the whole API URL of the v2 form',
			'https://api.segmind.com/workflows/v2/66ba4126364d0f944f366a8f',
			'v2/66ba4126364d0f944f366a8f',
		],
		[
			'an API URL with a trailing slash and a query',
			`https://api.segmind.com/workflows/${FLUX}/?a=1`,
			FLUX,
		],
		[
			'a proxy URL: its path is what counts',
			`http://gateway.local/segmind/workflows/${FLUX}`,
			FLUX,
		],
		['an ID with underscores and dots', 'my_flow.v1-2', 'my_flow.v1-2'],
	])('%s', (_name, given, path) => {
		expect(parseWorkflowId(given)).toEqual({ path });
	});

	test.each<[string, string, RegExp]>([
		['words with spaces', 'flux art generator', /letters, digits/],
		['another slash', 'workflows/abc/def', /letters, digits/],
		['an encoded slash', 'v2%2Fabc', /letters, digits/],
		[
			'the web page, not the API',
			'https://www.segmind.com/pixelflows/ai-art-generator',
			/\/workflows\/<id>/,
		],
		[
			'an API URL whose id holds a slash',
			'https://api.segmind.com/workflows/a/b/c',
			/letters, digits/,
		],
		[
			'an API URL with an encoded slash',
			'https://api.segmind.com/workflows/v2%2Fabc',
			/letters, digits/,
		],
		['a URL that does not parse', 'https://[bad/workflows/abc', /not a valid URL/],
		['a dot segment', '../v1/flux-schnell', /letters, digits/],
		['a query pasted on the ID', `${FLUX}?x=1`, /letters, digits/],
	])('refused: %s', (_name, given, reason) => {
		const parsed = parseWorkflowId(given);
		expect(parsed).toEqual({ reason: expect.stringMatching(reason) });
	});
});
