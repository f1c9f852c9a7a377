/**
 * Stop ends a request in flight, not only a wait: the node passes the execution's cancel signal to
 * every request itself. n8n-core attaches that signal on its own only to the authenticated API
 * calls (httpRequestWithAuthentication); the image download and a poll on another origin than the
 * Base URL go through the plain httpRequest, where only the node's own signal can stop them.
 * Timed from the stop to the node's execute() settling, within a second.
 */
import { ExecutionCancelledError } from 'n8n-workflow';

import { recordOutgoingRequests } from '../harness/outgoing-requests';
import { useFakeSegmind } from './helpers';
import { startStoppable, waitFor, warmUpStops } from './stopping';

const fake = useFakeSegmind();
warmUpStops(fake);

// A Pixelflow workflow of the user's own (no built-in prior): the first check comes after 2 s.
const OTHER_WORKFLOW = '0123456789abcdef01234567-v1';

/**
 * Starts the node and stops it once `inFlight` holds: it must settle within a second, cancelled,
 * and send nothing after the stop.
 */
async function expectStopEndsRequest(inFlight: () => boolean, downloadImage: boolean) {
	const outgoing = recordOutgoingRequests();
	const execution = await startStoppable({
		credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
		parameters: {
			textPrompt: 'a lighthouse at dawn',
			workflowId: OTHER_WORKFLOW,
			downloadImage,
			// Long request timeouts: only the stop can end the hung request within the test.
			options: { timeout: 120, pollInterval: 30, requestTimeout: 60 },
		},
	});
	try {
		await waitFor(inFlight);
		const timing = await execution.stop();
		const sentAfterStop = outgoing.requests.filter((request) => request.seq > timing.stop.seq);
		expect(timing.settledAfterMs).toBeLessThan(1_000);
		expect(timing.error).toBeInstanceOf(ExecutionCancelledError);
		expect(sentAfterStop).toEqual([]);
	} finally {
		outgoing.stop();
		execution.dispose();
	}
}

test('Stop during the image download (its host hangs): the node settles within a second', async () => {
	fake.respond('image', { status: 0, hang: true });
	await expectStopEndsRequest(() => fake.requestsTo('image').length > 0, true);
	// The job was done and the download was the request in flight, unanswered.
	expect(fake.requestsTo('submit')).toHaveLength(1);
	expect(fake.requestsTo('image')).toHaveLength(1);
});

test('Stop during a poll on another origin than the Base URL (it hangs): the node settles within a second', async () => {
	fake.setScenario({ pollPath: 'foreign', neverFinish: true });
	fake.respond('poll', { status: 0, hang: true });
	await expectStopEndsRequest(() => fake.requestsTo('poll').length > 0, false);
	// The poll in flight was on the other origin, sent without the key (so not through n8n's
	// authenticated helper, which would have attached the cancel signal by itself).
	const [poll] = fake.requestsTo('poll');
	expect(poll.host).toBe('images');
	expect(poll.headers['x-api-key']).toBeUndefined();
	expect(fake.requestsTo('poll')).toHaveLength(1);
});
