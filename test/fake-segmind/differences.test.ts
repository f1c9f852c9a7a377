/** What a recording holds that the fake never produces, against the fake's own vocabulary. */
import * as path from 'node:path';

import {
	compareWithFake,
	describeDifferences,
	fakeVocabulary,
	fieldPaths,
	IGNORED_HEADERS,
	pollUrlForm,
	type FakeVocabulary,
} from './differences';
import { readRecording, REDACTED, type Exchange, type Recording } from './recording';

let fake: FakeVocabulary;
beforeAll(async () => {
	fake = await fakeVocabulary();
});

const ID = '0123456789abcdef0123456789abcdef';

function exchange(kind: Exchange['kind'], json: unknown, headers: Record<string, string> = {}) {
	return {
		kind,
		host: 'api',
		origin: 'https://proxy.example',
		method: kind === 'submit' ? 'POST' : 'GET',
		path: '/',
		requestHeaders: { 'x-api-key': REDACTED },
		status: 200,
		responseHeaders: { 'content-type': 'application/json', ...headers },
		json,
	} satisfies Exchange;
}

function recording(exchanges: Exchange[]): Recording {
	return {
		header: {
			format: 1,
			source: 'test',
			capture: true,
			date: '2026-01-01T00:00:00.000Z',
			workflow: '66ba4126364d0f944f366a8f-v2',
			n8nCore: '2.8.1',
			baseUrl: 'https://proxy.example/segmind',
			redacted: REDACTED,
		},
		exchanges,
	};
}

test("the fake's vocabulary comes from its builders and its server", () => {
	for (const field of [
		'poll_url',
		'request_id',
		'message',
		'output(json)[].value.data',
		'output[].keyname',
		'image_output',
		'error_message[].model',
		'error_message.details',
		'credits',
		'free-credits',
		'error',
		'metrics.remaining_credits',
		'remaining_credits',
		'error_message.error_message',
	]) {
		expect(fake.fields).toContain(field);
	}
	expect([...fake.statusWords].sort()).toEqual([
		'COMPLETED',
		'FAILED',
		'PROCESSING',
		'QUEUED',
		'completed',
		'failed',
		'processing',
		'queued',
	]);
	for (const name of ['x-remaining-credits', 'content-type', 'location']) {
		expect(fake.headerNames).toContain(name);
	}
	expect([...fake.pollUrlForms].sort()).toEqual([
		'(no poll_url)',
		'/workflows/request/{id}',
		'<base_url>/requests/{id}',
		'https://api.segmind.com/requests/{id}',
		'https://api.segmind.com/v1/requests/{id}',
		'https://api.segmind.com/workflows/request/{id}',
		'{base}/requests/{id}',
		'{base}/v1/requests/{id}',
		'{base}/workflows/request/{id}',
		'{other}/requests/{id}',
	]);
});

test('field paths name nested objects, lists, and the JSON inside a string', () => {
	const output = JSON.stringify([{ keyname: 'image_output', value: { data: 'u' } }]);
	expect([...fieldPaths({ status: 'x', metrics: { remaining_credits: 1 }, output })]).toEqual([
		'status',
		'metrics',
		'metrics.remaining_credits',
		'output',
		'output(json)[].keyname',
		'output(json)[].value',
		'output(json)[].value.data',
	]);
	expect([...fieldPaths({ note: '{not json' })]).toEqual(['note']);
});

test('lists, per category, what the recording has and the fake never sends', () => {
	const submit = exchange(
		'submit',
		{
			poll_url: `https://api.segmind.com/v2/requests/${ID}`,
			request_id: ID,
			status: 'IN_QUEUE',
			metrics: { remaining_credits: 11 },
		},
		{ 'x-ratelimit-remaining': '4', date: 'today', server: 'cloudflare' },
	);
	const polled = exchange(
		'poll',
		{ status: 'COMPLETED', image_output: 'u', metrics: { a: 1 } },
		{
			'x-ratelimit-remaining': '3',
			'x-remaining-credits': '10',
		},
	);
	const differences = compareWithFake(recording([submit, polled]), fake);
	expect(differences).toEqual({
		fields: [{ item: 'metrics.a', seenIn: ['poll'] }],
		statusWords: [{ item: 'IN_QUEUE', seenIn: ['submit'] }],
		headerNames: [{ item: 'x-ratelimit-remaining', seenIn: ['submit', 'poll'] }],
		pollUrlForms: [{ item: 'https://api.segmind.com/v2/requests/{id}', seenIn: ['submit'] }],
	});
	expect(describeDifferences(differences)).toEqual([
		'What the recording has that the fake Segmind never produces:',
		'  body fields:       metrics.a (poll)',
		'  status words:      IN_QUEUE (submit)',
		'  header names:      x-ratelimit-remaining (submit, poll)',
		`    (not compared: ${IGNORED_HEADERS.join(', ')})`,
		'  poll URL form:     https://api.segmind.com/v2/requests/{id} (submit)',
	]);
});

test('poll URL forms: on the Base URL, relative, another origin, none', () => {
	const form = (pollUrl?: string) =>
		pollUrlForm(recording([exchange('submit', { poll_url: pollUrl, request_id: ID })]));
	expect(form(`https://proxy.example/segmind/workflows/request/${ID}`)).toBe(
		'{base}/workflows/request/{id}',
	);
	expect(form(`/workflows/request/${ID}`)).toBe('/workflows/request/{id}');
	expect(form(`https://s3.example/requests/${ID}?x=1`)).toBe('{other}/requests/{id}?x=1');
	expect(form(undefined)).toBe('(no poll_url)');
});

test("Segmind's published examples hold nothing the fake does not produce", () => {
	const example = readRecording(
		path.join(__dirname, '../fixtures/recorded/2026-12-07-66ba4126364d0f944f366a8f-v2.json'),
	);
	expect(example.header.capture).toBe(false);
	const differences = compareWithFake(example, fake);
	expect(Object.values(differences).flat()).toEqual([]);
});
