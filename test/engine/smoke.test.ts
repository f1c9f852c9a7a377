/**
 * `npm run smoke` against the fake given as if it were Segmind (key and Base URL as the smoke run
 * takes them from the environment): it records every exchange into a file with no key in it,
 * prints the cost and the differences, and the file replays through the node.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { FakeSegmind } from '../fake-segmind';
import { exchangesOf, readRecording, REDACTED } from '../fake-segmind/recording';
import { segmindFromEnv } from '../harness/segmind-target';
import { MISSING_KEY, runSmoke } from '../harness/smoke';
import { expectReplayed, replayRecording } from './replay-check';

const fake = new FakeSegmind({ scenario: { durationMs: 600, imageFormat: 'jpeg' } });
let folder: string;
beforeAll(async () => await fake.start());
afterAll(async () => await fake.stop());
beforeEach(() => {
	fake.reset();
	folder = mkdtempSync(path.join(tmpdir(), 'segmind-smoke-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const smoke = async (env: NodeJS.ProcessEnv) => {
	const lines: string[] = [];
	const target = segmindFromEnv(env);
	if (!target) throw new Error('no target');
	const result = await runSmoke({
		target,
		outDir: path.join(folder, 'recorded'),
		failedDir: path.join(folder, 'failed'),
		print: (line) => lines.push(line),
		// Polls every 0.2 s instead of up to 5 s: the same exchanges, in a second.
		generateOptions: { pollInterval: 0.2 },
	});
	return { result, lines, text: readFileSync(result.file, 'utf8') };
};

test('records a file with no key in it, prints cost and differences, and replays it', async () => {
	// A proxy that echoes the key back: that copy must not reach the file either.
	fake.respond('credits', {
		status: 200,
		body: { credits: 100, 'free-credits': 0, echo: fake.apiKey },
	});
	const { result, lines, text } = await smoke({
		SEGMIND_API_KEY: fake.apiKey,
		SEGMIND_BASE_URL: fake.baseUrl,
	});

	expect(result.ok).toBe(true);
	expect(path.basename(result.file)).toMatch(/^\d{4}-\d\d-\d\d-66ba4126364d0f944f366a8f-v2\.json$/);
	expect(text).not.toContain(fake.apiKey);
	const recording = readRecording(result.file);
	expect(recording.header).toMatchObject({
		capture: true,
		baseUrl: fake.baseUrl,
		n8nCore: '2.8.1',
	});
	expect(recording.exchanges.map((exchange) => exchange.kind)).toEqual([
		'credits',
		'submit',
		...exchangesOf(recording, 'poll').map(() => 'poll'),
		'image',
		'credits',
	]);
	expect(exchangesOf(recording, 'poll').length).toBeGreaterThanOrEqual(2);
	expect(exchangesOf(recording, 'credits')[0]?.json).toMatchObject({ echo: REDACTED });
	expect(exchangesOf(recording, 'image')[0]?.image).toEqual({
		type: 'image/jpeg',
		size: fake.imageBytesFor(fake.jobs[0]!.requestId).length,
	});

	expect(lines.join('\n')).not.toContain(fake.apiKey);
	expect(lines).toContain('Credits: 100 before, 99 after (Get Credits): the image cost 1');
	const line = (label: string) => lines.find((l) => l.trimStart().startsWith(label));
	expect(line('body fields:')).toMatch(/ echo \(credits\)$/);
	expect(line('status words:')).toMatch(/ none$/);
	expect(line('header names:')).toMatch(/ none$/);
	expect(line('poll URL form:')).toMatch(/ none$/);

	const { replay, result: replayed } = await replayRecording(recording);
	expectReplayed(recording, replay, replayed);
});

test('a failed run writes its exchanges outside the recordings and says what failed', async () => {
	const { result, lines, text } = await smoke({
		SEGMIND_API_KEY: 'not-the-key-0000',
		SEGMIND_BASE_URL: fake.baseUrl,
	});
	expect(result.ok).toBe(false);
	expect(path.dirname(result.file)).toBe(path.join(folder, 'failed'));
	expect(readdirSync(folder)).toEqual(['failed']);
	expect(lines.at(-2)).toMatch(/^Get Credits failed: /);
	expect(text).not.toContain('not-the-key-0000');
	// Not a replayable recording (readRecording would refuse it): the run stopped at the first call.
	expect(result.recording.exchanges.map((e) => [e.kind, e.status])).toEqual([['credits', 401]]);
	expect(JSON.parse(text)).toEqual(result.recording);
});

test('without a key there is nothing to run, and one line says what to set', () => {
	expect(segmindFromEnv({})).toBeUndefined();
	expect(segmindFromEnv({ SEGMIND_API_KEY: '  ', SEGMIND_BASE_URL: fake.baseUrl })).toBeUndefined();
	expect(segmindFromEnv({ SEGMIND_API_KEY: 'k' })).toEqual({
		apiKey: 'k',
		baseUrl: 'https://api.segmind.com',
	});
	expect(MISSING_KEY).toMatch(/^Set SEGMIND_API_KEY .*$/);
});
