/** The replay server: recorded answers in order, key checked, URLs pointed at itself, images made. */
import { ReplaySegmind } from './replay';
import { REDACTED, type Exchange, type Recording } from './recording';
import { call } from './test-client';

const ID = 'fedcba9876543210fedcba9876543210';
const PROXY = 'http://127.0.0.1:9';

function answer(kind: Exchange['kind'], path: string, body: Partial<Exchange>): Exchange {
	return {
		kind,
		host: kind === 'image' ? 'image' : 'api',
		origin: kind === 'image' ? 'https://images.segmind.com' : PROXY,
		method: kind === 'submit' ? 'POST' : 'GET',
		path,
		requestHeaders: {},
		status: 200,
		responseHeaders: { 'content-type': 'application/json', 'content-length': '999' },
		...body,
	};
}

const poll = (status: string, extra: object = {}) =>
	answer('poll', `/gw/v1/requests/${ID}`, { json: { status, ...extra } });

const recording: Recording = {
	header: {
		format: 1,
		source: 'test',
		capture: true,
		date: '2026-01-01T00:00:00.000Z',
		workflow: 'w',
		n8nCore: '2.8.1',
		baseUrl: `${PROXY}/gw`,
		redacted: REDACTED,
	},
	exchanges: [
		answer('credits', '/gw/v1/get-user-credits', { json: { credits: 3 } }),
		answer('submit', '/gw/workflows/w', {
			json: { poll_url: `https://api.segmind.com/v1/requests/${ID}`, request_id: ID },
		}),
		poll('QUEUED'),
		poll('COMPLETED', {
			output: JSON.stringify([{ value: { data: `https://images.segmind.com/o/${ID}.png` } }]),
			self: `${PROXY}/gw/v1/requests/${ID}`,
		}),
		answer('image', `/o/${ID}.png`, {
			responseHeaders: { 'content-type': 'image/png' },
			image: { type: 'image/png', size: 50_000 },
		}),
	],
};

const replay = new ReplaySegmind(recording);
beforeAll(async () => await replay.start());
afterAll(async () => await replay.stop());
const keyed = () => ({ headers: { 'x-api-key': replay.apiKey } });

test('answers as recorded, poll by poll, the last poll again when asked more', async () => {
	expect(replay.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gw$/);
	expect((await call(`${replay.baseUrl}/v1/get-user-credits`, keyed())).json).toEqual({
		credits: 3,
	});
	const submitted = await call(`${replay.baseUrl}/workflows/w`, { method: 'POST', ...keyed() });
	// Segmind's own origin stays: the node follows it through the Base URL, to this server.
	expect(submitted.json.poll_url).toBe(`https://api.segmind.com/v1/requests/${ID}`);
	const pollUrl = `${replay.baseUrl}/v1/requests/${ID}`;
	const statuses = [];
	for (let i = 0; i < 3; i++) statuses.push((await call(pollUrl, keyed())).json.status);
	expect(statuses).toEqual(['QUEUED', 'COMPLETED', 'COMPLETED']);
	const done = await call(pollUrl, keyed());
	// Its own recorded origin points here; any other at the image server.
	expect(done.json.self).toBe(`${replay.baseUrl}/v1/requests/${ID}`);
	expect(done.json.output).toContain(`"${replay.imageBaseUrl}/o/${ID}.png"`);
	expect(done.headers.get('content-length')).not.toBe('999');
	expect(replay.requestsTo('poll')).toHaveLength(4);
});

test('wants the key on the API, and no route outside the recording', async () => {
	expect((await call(`${replay.baseUrl}/workflows/w`, { method: 'POST' })).status).toBe(401);
	expect((await call(`${replay.baseUrl}/workflows/request/${ID}`, keyed())).status).toBe(404);
});

test('serves an image of the recorded type, about the recorded size, without a key', async () => {
	const response = await fetch(`${replay.imageBaseUrl}/o/${ID}.png`);
	const bytes = Buffer.from(await response.arrayBuffer());
	expect(response.headers.get('content-type')).toBe('image/png');
	expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
	expect(Math.abs(bytes.length - 50_000)).toBeLessThan(100);
});
