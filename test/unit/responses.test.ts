import {
	parseCreditsBody,
	parseCreditsHeader,
	parseJobStatus,
	parseSubmitAnswer,
	parseWorkflowOutput,
	pollUrlFor,
	readCredits,
	readFailureReason,
	requestIdFromPollUrl,
	resolvePollUrl,
} from '../../nodes/FluxArtGenerator/segmind/responses';
import { NO_REASON_GIVEN } from '../../nodes/FluxArtGenerator/constants';

const URL_A = 'https://images.segmind.com/outputs/a.jpg';
const URL_B = 'https://segmind-outputs.s3.amazonaws.com/b.png';
const entry = (keyname: string, value: unknown) => ({ keyname, value });

describe('parseWorkflowOutput: every answer shape the fake Segmind plays (OutputShape)', () => {
	test.each<[string, Record<string, unknown>, string | undefined]>([
		[
			'output as a JSON string of keyname entries',
			{ output: JSON.stringify([entry('image_output', { data: URL_A, type: 'image' })]) },
			URL_A,
		],
		[
			'output already parsed as a list',
			{ output: [entry('image_output', { data: URL_A, type: 'image' })] },
			URL_A,
		],
		['output as an object', { output: { image_output: URL_A } }, URL_A],
		[
			'output object whose value is a {data,type} box',
			{ output: { image_output: { data: URL_A, type: 'image' } } },
			URL_A,
		],
		['entry values as plain URL strings', { output: [entry('image_output', URL_A)] }, URL_A],
		['the documented flat form', { image_output: URL_A }, URL_A],
		['flat form holding a list', { image_output: [URL_A, URL_B] }, URL_A],
		['keyname in another case', { output: [entry('Image_Output', { data: URL_A })] }, URL_A],
		[
			'the named output wins over others',
			{ output: [entry('thumbnail', URL_B), entry('image_output', URL_A)] },
			URL_A,
		],
		[
			'text outputs beside the image are ignored',
			{ output: [entry('enhanced_prompt', 'a goddess, oil'), entry('image_output', URL_A)] },
			URL_A,
		],
		[
			'a lone image under another name is taken',
			{ output: [entry('enhanced_prompt', 'words'), entry('flux_image', URL_B)] },
			URL_B,
		],
		[
			'two images under other names: no guess',
			{ output: [entry('img_1', URL_A), entry('img_2', URL_B)] },
			undefined,
		],
		['output as a bare URL string', { output: URL_A }, URL_A],
		['empty output (PROCESSING)', { output: '' }, undefined],
		['output that is not JSON', { output: 'working on it' }, undefined],
		['output null', { output: null }, undefined],
		['no output at all', {}, undefined],
		['a value that is not an http URL', { image_output: 'image in URL Format' }, undefined],
	])('%s', (_name, body, expected) => {
		expect(parseWorkflowOutput(body, 'image_output').imageUrl).toBe(expected);
	});

	test('names the outputs it saw, for messages', () => {
		const body = { output: [entry('enhanced_prompt', 'x'), entry('caption', 'y')] };
		expect(parseWorkflowOutput(body, 'image_output').outputNames).toEqual([
			'enhanced_prompt',
			'caption',
		]);
	});

	test('a custom output name is honoured', () => {
		const body = { output: [entry('image_output', URL_A), entry('upscaled', URL_B)] };
		expect(parseWorkflowOutput(body, 'upscaled').imageUrl).toBe(URL_B);
	});
});

describe('parseJobStatus', () => {
	test.each<[string, Record<string, unknown>, string, string]>([
		['QUEUED', { status: 'QUEUED' }, 'pending', 'QUEUED'],
		['PROCESSING with empty output', { status: 'PROCESSING', output: '' }, 'pending', 'PROCESSING'],
		['lower case', { status: 'processing' }, 'pending', 'PROCESSING'],
		['COMPLETED', { status: 'COMPLETED', image_output: URL_A }, 'completed', 'COMPLETED'],
		[
			'SUCCEEDED counts as success',
			{ status: 'succeeded', image_output: URL_A },
			'completed',
			'SUCCEEDED',
		],
		['FAILED', { status: 'FAILED', error_message: 'x' }, 'failed', 'FAILED'],
		['CANCELLED counts as failure', { status: 'CANCELLED' }, 'failed', 'CANCELLED'],
		['ERROR counts as failure', { status: 'Error', message: 'boom' }, 'failed', 'ERROR'],
		[
			'an unknown word keeps polling (the timeout names it)',
			{ status: 'WARMING_UP' },
			'pending',
			'WARMING_UP',
		],
		['no status but the flat image', { image_output: URL_A }, 'completed', 'COMPLETED'],
		['no status, no image', {}, 'pending', ''],
	])('%s', (_name, body, state, status) => {
		const job = parseJobStatus(body, 'image_output');
		expect(job).toMatchObject({ state, status });
	});

	test('a COMPLETED job carries its image', () => {
		expect(
			parseJobStatus(
				{ status: 'COMPLETED', output: JSON.stringify([entry('image_output', { data: URL_A })]) },
				'image_output',
			).imageUrl,
		).toBe(URL_A);
	});
});

describe('readFailureReason: every error_message shape', () => {
	test.each<[string, unknown, string]>([
		[
			'error_message as a string',
			{ error_message: 'NSFW content detected' },
			'NSFW content detected',
		],
		[
			'error_message as an object with error and details',
			{ error_message: { error: 'Model crashed', details: 'CUDA OOM' } },
			'Model crashed: CUDA OOM',
		],
		[
			'error_message as an object with message',
			{ error_message: { message: 'Bad prompt' } },
			'Bad prompt',
		],
		[
			'error_message as a list of {model, error}',
			{
				error_message: [
					{ model: 'flux-schnell', error: 'Prompt rejected' },
					{ model: 'llama-3.1-70b', error: 'Timeout' },
				],
			},
			'flux-schnell: Prompt rejected; llama-3.1-70b: Timeout',
		],
		[
			'error_message nested in error_message (a third-party client reads it so)',
			{ status: 'FAILED', error_message: { error_message: 'Prompt flagged by moderation' } },
			'Prompt flagged by moderation',
		],
		['error', { error: 'Upstream model timeout' }, 'Upstream model timeout'],
		['message', { message: 'Workflow execution failed' }, 'Workflow execution failed'],
		[
			'error_message wins over message',
			{ error_message: 'specific', message: 'generic' },
			'specific',
		],
		[
			'empty error_message falls through to error',
			{ error_message: '', error: 'the real one' },
			'the real one',
		],
		['FastAPI-style detail list', { detail: [{ msg: 'field required' }] }, 'field required'],
		['nothing said', { status: 'FAILED' }, NO_REASON_GIVEN],
		['a plain text body', 'Internal Server Error', 'Internal Server Error'],
		['an empty body', '', NO_REASON_GIVEN],
	])('%s', (_name, body, expected) => {
		expect(readFailureReason(body)).toBe(expected);
	});
});

describe('parseSubmitAnswer', () => {
	test('the documented answer', () => {
		const answer = parseSubmitAnswer(
			{
				poll_url: 'https://api.segmind.com/requests/47411f110c6fa4fe05dcb9ffed2c1962',
				request_id: '47411f110c6fa4fe05dcb9ffed2c1962',
				status: 'QUEUED',
			},
			'image_output',
		);
		expect(answer).toMatchObject({
			requestId: '47411f110c6fa4fe05dcb9ffed2c1962',
			job: { state: 'pending', status: 'QUEUED' },
		});
	});

	test('request_id missing: read off the poll URL', () => {
		expect(
			parseSubmitAnswer({ poll_url: 'https://x/workflows/request/abc123' }, 'image_output')
				.requestId,
		).toBe('abc123');
	});

	test('an answer already COMPLETED carries the image', () => {
		const answer = parseSubmitAnswer(
			{ request_id: 'r1', status: 'COMPLETED', image_output: URL_A },
			'image_output',
		);
		expect(answer.job).toMatchObject({ state: 'completed', imageUrl: URL_A });
	});

	test('no status word reads as QUEUED', () => {
		expect(parseSubmitAnswer({ request_id: 'r1' }, 'image_output').job.status).toBe('QUEUED');
	});
});

describe('resolvePollUrl', () => {
	const base = 'https://api.segmind.com';
	test.each<[string, string | undefined, string, string | undefined]>([
		[
			'absolute /requests/{id}',
			'https://api.segmind.com/requests/r1',
			base,
			'https://api.segmind.com/requests/r1',
		],
		[
			'absolute /v1/requests/{id}',
			'https://api.segmind.com/v1/requests/r1',
			base,
			'https://api.segmind.com/v1/requests/r1',
		],
		[
			"absolute on Segmind's origin behind a proxy: kept (the transport sends it through the Base URL)",
			'https://api.segmind.com/workflows/request/r1',
			'https://gateway.example/segmind',
			'https://api.segmind.com/workflows/request/r1',
		],
		['the docs placeholder', '<base_url>/requests/r1', base, 'https://api.segmind.com/requests/r1'],
		[
			'placeholder with a proxy base path',
			'<base_url>/requests/r1',
			'https://proxy.example/segmind/',
			'https://proxy.example/segmind/requests/r1',
		],
		[
			'relative path',
			'/workflows/request/r1',
			base,
			'https://api.segmind.com/workflows/request/r1',
		],
		['missing: none (the node builds one)', undefined, base, undefined],
		['not http: none', 'ftp://x/requests/r1', base, undefined],
		['an absolute URL that does not parse: none', 'https://[bad/requests/r1', base, undefined],
		[
			'another origin is kept (the transport drops the key)',
			'https://queue.segmind.com/requests/r1',
			base,
			'https://queue.segmind.com/requests/r1',
		],
	])('%s', (_name, pollUrl, baseUrl, expected) => {
		expect(resolvePollUrl(pollUrl, baseUrl)).toBe(expected);
	});

	test.each<[string, string, string | undefined]>([
		['a trailing slash and a query', 'https://api.segmind.com/requests/abc/?x=1', 'abc'],
		[
			'a UUID',
			'https://api.segmind.com/v1/requests/0f8fad5b-d9cb-469f-a165-70867728950e',
			'0f8fad5b-d9cb-469f-a165-70867728950e',
		],
		['an escaped character', 'https://api.segmind.com/requests/a%20b', 'a b'],
		[
			'a malformed %-escape is kept as it is, not thrown',
			'https://x/requests/ab%E0%A4%A',
			'ab%E0%A4%A',
		],
		['the docs placeholder names none', '<base_url>/requests/<request_id>', undefined],
	])('request id from a poll URL: %s', (_name, pollUrl, expected) => {
		expect(requestIdFromPollUrl(pollUrl)).toBe(expected);
	});

	test('a built poll URL keeps the Base URL path and escapes the id', () => {
		expect(pollUrlFor('https://proxy.example/segmind/', '/v1/requests/', 'a/b')).toBe(
			'https://proxy.example/segmind/v1/requests/a%2Fb',
		);
	});
});

describe('credits', () => {
	test.each<[string, unknown, number | null]>([
		['a number as text', '12.5', 12.5],
		['zero', '0', 0],
		['repeated header (list)', ['10', '9.5'], 9.5],
		['repeated header folded by a comma', '10, 9.5', 9.5],
		['absent', undefined, null],
		['garbage', 'lots', null],
		['empty', '', null],
	])('x-remaining-credits %s', (_name, value, expected) => {
		expect(parseCreditsHeader(value)).toBe(expected);
	});

	test.each<[string, unknown, Record<string, unknown> | undefined, number | null]>([
		['the header alone', '12.5', { status: 'QUEUED' }, 12.5],
		['the header wins over the body', '12.5', { metrics: { remaining_credits: 9 } }, 12.5],
		[
			'metrics.remaining_credits (async answers)',
			undefined,
			{ metrics: { remaining_credits: 9 } },
			9,
		],
		['a top-level remaining_credits', undefined, { remaining_credits: '7.25' }, 7.25],
		[
			'metrics without the field: the top level',
			undefined,
			{ metrics: {}, remaining_credits: 3 },
			3,
		],
		['a garbage header: the body', 'lots', { remaining_credits: 4 }, 4],
		['none anywhere', undefined, { status: 'QUEUED' }, null],
		['no body', undefined, undefined, null],
		['a body value that is not a number', undefined, { remaining_credits: 'n/a' }, null],
	])('readCredits: %s', (_name, header, body, expected) => {
		expect(readCredits(header, body)).toBe(expected);
	});

	test('the credits body, numbers or text', () => {
		expect(parseCreditsBody({ credits: 12.5, 'free-credits': '0.0' })).toEqual({
			credits: 12.5,
			freeCredits: 0,
		});
	});
});
