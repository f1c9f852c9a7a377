import { callFailure } from '../../nodes/FluxArtGenerator/transport/failures';
import type { CallKind } from '../../nodes/FluxArtGenerator/transport/outcome';

const job = {
	requestId: '0f8fad5b-d9cb-469f-a165-70867728950e',
	pollUrl: 'https://api.segmind.com/v1/requests/0f8fad5b-d9cb-469f-a165-70867728950e',
	workflowId: '66ba4126364d0f944f366a8f-v2',
};
const http = (status: number, body = '{"error":"Segmind words"}', location?: string) => ({
	kind: 'http' as const,
	status,
	body,
	...(location && { location }),
});

describe('callFailure: every HTTP answer that is not a success, by call', () => {
	test.each<[string, CallKind, ReturnType<typeof http>, string, RegExp, RegExp]>([
		[
			'401 to the submit',
			'submit',
			http(401),
			'AUTH',
			/rejected the API key/,
			/Nothing was billed/,
		],
		[
			'401 to a poll',
			'poll',
			http(401),
			'AUTH',
			/while reporting on request 0f8f/,
			/accepted this job, so it is billed/,
		],
		['403 to the submit', 'submit', http(403), 'FORBIDDEN', /workflow 66ba/, /Nothing was billed/],
		[
			'403 to a poll',
			'poll',
			http(403),
			'FORBIDDEN',
			/report on request 0f8f/,
			/accepted this job, so it is billed/,
		],
		[
			'402 to a poll',
			'poll',
			http(402),
			'CREDITS',
			/Not enough Segmind credits/,
			/accepted this job, so it is billed/,
		],
		[
			'406 as plain text to the submit',
			'submit',
			http(406, 'Insufficient credits'),
			'CREDITS',
			/Not enough/,
			/Segmind said: Insufficient credits/,
		],
		[
			'404 to the submit',
			'submit',
			http(404),
			'NOT_FOUND',
			/knows no workflow "66ba/,
			/Check the Workflow ID/,
		],
		[
			'404 to a poll',
			'poll',
			http(404),
			'NOT_FOUND',
			/no longer knows request 0f8f/,
			/about an hour/,
		],
		[
			'404 to the credits call',
			'credits',
			http(404),
			'NOT_FOUND',
			/get-user-credits was not found/,
			/Base URL/,
		],
		[
			'410 to the submit',
			'submit',
			http(410),
			'RETIRED',
			/retired workflow 66ba.*HTTP 410/,
			/check the Workflow ID/i,
		],
		[
			'410 to a poll',
			'poll',
			http(410),
			'RETIRED',
			/request 0f8f.*retired.*HTTP 410/,
			/accepted this job, so it is billed/,
		],
		[
			'422 to the submit',
			'submit',
			http(422),
			'INVALID_INPUT',
			/refused the input \(HTTP 422\): Segmind words/,
			/text_prompt/,
		],
		[
			'429 that did not clear',
			'poll',
			http(429),
			'RATE_LIMITED',
			/rate limit/,
			/about 5 requests a minute/,
		],
		[
			'303 to the submit',
			'submit',
			http(303, '', 'https://api.segmind.com/workflows/x'),
			'INVALID_RESPONSE',
			/redirect \(HTTP 303 to https:\/\/api\.segmind\.com\/workflows\/x\)/,
			/Nothing was billed/,
		],
		[
			'301 without a Location',
			'submit',
			http(301, ''),
			'INVALID_RESPONSE',
			/HTTP 301 to nowhere/,
			/Base URL/,
		],
		[
			'405 as HTML',
			'submit',
			http(405, '<html>Method Not Allowed</html>'),
			'SERVER',
			/unexpected HTTP 405/,
			/Method Not Allowed/,
		],
		[
			'a 500 that never cleared',
			'poll',
			http(500),
			'SERVER',
			/server error \(HTTP 500\)/,
			/Try again/,
		],
	])('%s', (_name, kind, outcome, code, message, hint) => {
		const error = callFailure(kind, outcome, job);
		expect(error.code).toBe(code);
		expect(error.message).toMatch(message);
		expect(error.details.description).toMatch(hint);
		expect(error.details).toMatchObject({ requestId: job.requestId, pollUrl: job.pollUrl });
		expect(error.message).not.toMatch(/unexpected HTTP (410|30\d)/);
	});

	test('no failure of a poll says nothing was billed', () => {
		for (const status of [400, 401, 402, 403, 404, 405, 406, 410, 422, 429, 500, 502, 503]) {
			const error = callFailure('poll', http(status), job);
			expect(`${error.message} ${error.details.description}`).not.toMatch(/nothing was billed/i);
		}
	});
});
