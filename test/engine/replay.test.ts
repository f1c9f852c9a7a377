/**
 * Every recording in test/fixtures/recorded/ (npm run smoke writes them) replayed through the
 * node: the replay server answers as Segmind did, poll by poll, and the node's output must be the
 * recorded job's. A recording a key holder contributes becomes a regression test this way.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

import nock from 'nock';

import { readRecording, REDACTED } from '../fake-segmind/recording';
import { RECORDED_DIR } from '../harness/smoke';
import { expectReplayed, replayRecording } from './replay-check';

const files = readdirSync(RECORDED_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort();

// Recorded URLs may name Segmind's hosts: whatever the node does with them, nothing leaves this
// machine (nock answers any other host with an error at once).
beforeAll(() => {
	nock.disableNetConnect();
	nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
});
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});

test("the folder holds at least the recording built from Segmind's published examples", () => {
	const built = files.map((file) => readRecording(path.join(RECORDED_DIR, file)).header);
	expect(built.some((header) => !header.capture)).toBe(true);
});

describe.each(files)('%s', (file) => {
	const recording = readRecording(path.join(RECORDED_DIR, file));

	test('replayed through the node, gives the recorded job', async () => {
		const { replay, result } = await replayRecording(recording);
		expectReplayed(recording, replay, result);
	});

	test('holds no credential: key headers are redacted, and every API call had one', () => {
		const credential =
			/^(authorization|proxy-authorization|cookie|set-cookie)$|api-?key|token|secret/i;
		for (const exchange of recording.exchanges) {
			for (const headers of [exchange.requestHeaders, exchange.responseHeaders]) {
				for (const [name, value] of Object.entries(headers)) {
					if (credential.test(name)) expect([name, value]).toEqual([name, REDACTED]);
				}
			}
			if (exchange.host === 'api') {
				const { requestHeaders } = exchange;
				expect(requestHeaders['x-api-key'] ?? requestHeaders.authorization).toBe(REDACTED);
			}
		}
	});
});
