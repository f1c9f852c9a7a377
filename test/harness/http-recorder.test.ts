/** nock's records into the recording format: bodies decoded, images replaced, the key redacted. */
import { gzipSync } from 'node:zlib';

import { REDACTED } from '../fake-segmind/recording';
import { serializeRecording, toRecording, type NockRecord } from './http-recorder';

const KEY = 'sg_0123456789abcdef';
const context = {
	apiKey: KEY,
	source: 'test',
	capture: true,
	date: '2026-01-01T00:00:00.000Z',
	workflow: 'w',
	n8nCore: '2.8.1',
	baseUrl: `https://user:${KEY}@proxy.example/gw/?token=${KEY}`,
};

const record = (fields: Partial<NockRecord>): NockRecord => ({
	scope: 'https://proxy.example:443',
	method: 'GET',
	path: '/gw/v1/get-user-credits',
	body: '',
	status: 200,
	response: {},
	rawHeaders: {},
	reqheaders: { 'x-api-key': KEY, Authorization: `Bearer ${KEY}`, host: 'proxy.example' },
	...fields,
});

test('classifies, decodes and redacts', () => {
	const gzipped = gzipSync(JSON.stringify({ status: 'QUEUED', echo: `key=${KEY}` }));
	const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(96)]);
	const recording = toRecording(
		[
			record({ response: { credits: 1, [KEY]: KEY }, rawHeaders: { 'Set-Cookie': 'a=1' } }),
			record({
				method: 'POST',
				path: '/gw/workflows/w',
				body: `{"text_prompt":"p"}`,
				response: { request_id: 'r', poll_url: 'https://api.segmind.com/workflows/request/r' },
			}),
			record({
				path: `/gw/workflows/request/r?k=${KEY}`,
				response: [gzipped.toString('hex')],
				rawHeaders: { 'content-encoding': 'gzip', 'x-remaining-credits': '4' },
			}),
			record({
				scope: 'https://images.segmind.com:443',
				path: '/o/r.jpg',
				response: jpeg.toString('hex'),
				responseIsBinary: true,
				reqheaders: {},
			}),
			record({ path: '/gw/oops', response: 'Bad gateway', status: 502 }),
		],
		context,
	);
	expect(recording.header.baseUrl).toBe('https://proxy.example/gw');
	expect(recording.exchanges.map((e) => [e.kind, e.host])).toEqual([
		['credits', 'api'],
		['submit', 'api'],
		['poll', 'api'],
		['image', 'image'],
		['poll', 'api'],
	]);
	const [credits, submit, poll, image, text] = recording.exchanges;
	expect(credits?.json).toEqual({ credits: 1, [REDACTED]: REDACTED });
	expect(credits?.responseHeaders).toEqual({ 'set-cookie': REDACTED });
	expect(credits?.requestHeaders).toEqual({
		'x-api-key': REDACTED,
		authorization: REDACTED,
		host: 'proxy.example',
	});
	expect(submit?.requestBody).toEqual({ text_prompt: 'p' });
	expect(poll?.path).toBe(`/gw/workflows/request/r?k=${REDACTED}`);
	expect(poll?.json).toEqual({ status: 'QUEUED', echo: `key=${REDACTED}` });
	expect(image?.image).toEqual({ type: 'image/jpeg', size: 100 });
	expect(image && 'json' in image).toBe(false);
	expect(text).toMatchObject({ status: 502, text: 'Bad gateway' });
	expect(serializeRecording(recording, KEY)).not.toContain(KEY);
});

test('refuses to serialize a recording that still holds the key', () => {
	const recording = toRecording([record({ response: { echo: KEY } })], {
		...context,
		apiKey: 'other-key-000',
	});
	expect(() => serializeRecording(recording, KEY)).toThrow(/still holds the API key/);
});
