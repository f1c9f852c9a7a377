/**
 * Stop between checks, seconds before the next one: the node's wait must end on the stop itself,
 * not at its next planned check. (cancellation.test.ts stops a few hundred milliseconds before a
 * check, where a node that ignored the stop until then could still settle in time.)
 */
import type { IDataObject } from 'n8n-workflow';
import { ExecutionCancelledError } from 'n8n-workflow';

import { fitDurations } from '../../nodes/FluxArtGenerator/polling/durations';
import { nextPollDelay } from '../../nodes/FluxArtGenerator/polling/policy';
import { useFakeSegmind } from './helpers';
import { sleep, startStoppable, waitFor, warmUpStops } from './stopping';

const fake = useFakeSegmind();
warmUpStops(fake);

// A Pixelflow workflow of the user's own, learned by earlier executions to take a minute.
const SLOW_WORKFLOW = '0123456789abcdef01234567-v1';
const LEARNED_MS = Array.from({ length: 50 }, () => 60_000);
const POLL_INTERVAL_S = 30;

test('a stop while the node waits for a check 25+ s away: it settles within a second, no check sent', async () => {
	// The waiting policy's first check for such a job: the Poll Interval, 30 s after the submit.
	const plannedMs = nextPollDelay({
		elapsedMs: 0,
		maxIntervalMs: POLL_INTERVAL_S * 1000,
		remainingMs: 120_000,
		last: { state: 'pending', status: 'QUEUED', outputNames: [] },
		model: fitDurations(LEARNED_MS),
	});
	expect(plannedMs).toBeGreaterThanOrEqual(25_000);

	fake.setScenario({ neverFinish: true });
	let accepted = false;
	const staticData: IDataObject = {
		'node:Flux Art Generator': { jobDurationsMs: { [SLOW_WORKFLOW]: LEARNED_MS } },
	};
	const execution = await startStoppable({
		credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
		parameters: {
			textPrompt: 'a slow one',
			workflowId: SLOW_WORKFLOW,
			options: { timeout: 120, pollInterval: POLL_INTERVAL_S },
		},
		staticData,
		onLog: (entry) => {
			if (entry.message.startsWith('Segmind accepted request')) accepted = true;
		},
	});
	try {
		// The node has read the submit's answer and gone to wait for its first check.
		await waitFor(() => accepted);
		await sleep(300);
		const { stop, settledAfterMs, error } = await execution.stop();
		const checkDueIn = fake.jobs[0].submittedAt + plannedMs - stop.at;
		expect(checkDueIn).toBeGreaterThan(20_000);

		expect(settledAfterMs).toBeLessThan(1_000);
		expect(error).toBeInstanceOf(ExecutionCancelledError);
		await sleep(1_000);
		expect(fake.requestsTo('submit')).toHaveLength(1);
		expect(fake.requestsTo('poll')).toHaveLength(0);
	} finally {
		execution.dispose();
	}
});
