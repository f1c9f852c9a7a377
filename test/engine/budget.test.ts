/**
 * Max Requests per Minute against a Segmind that enforces its rate limit: with the option the run
 * waits its turn and draws no 429; without it, Segmind refuses requests. The budget's window is a
 * minute, so a run that must wait for it takes over 60 s: the test watches the first seconds
 * (where the budget binds at once) and then stops the execution.
 */
import { onNodeSettled, startFluxNode } from '../harness/run-node';
import type { NodeSettled } from '../harness/run-node';
import { useFakeSegmind } from './helpers';
import { sleep, waitFor } from './stopping';

const fake = useFakeSegmind({ rateLimitPerMinute: 5 });

const apiRequests = () => fake.requests.filter((request) => request.host === 'api');

/**
 * Jobs of this workflow learned as short as the fake's (150 ms): under a limit the node checks where
 * jobs end, so without them it would wait for the Flux workflow's 6-14 s before its first check.
 */
const learnedShort = () => ({
	'node:Flux Art Generator': {
		jobDurationsMs: { '66ba4126364d0f944f366a8f-v2': Array.from({ length: 50 }, () => 150) },
	},
});

/** Three items at once, each needing a submit and a poll: six API requests, one over the limit. */
async function start(maxRequestsPerMinute?: number) {
	const settled: NodeSettled[] = [];
	const stopListening = onNodeSettled((event) => settled.push(event));
	const execution = await startFluxNode({
		credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
		parameters: {
			textPrompt: '={{ $json.prompt }}',
			options: {
				timeout: 120,
				pollInterval: 0.5,
				concurrency: 3,
				...(maxRequestsPerMinute ? { maxRequestsPerMinute } : {}),
			},
		},
		items: [{ prompt: 'a fox' }, { prompt: 'a whale' }, { prompt: 'a parrot' }],
		staticData: learnedShort(),
	});
	const stop = async () => {
		execution.cancel();
		await execution.done.catch(() => undefined);
		await waitFor(() => settled.length > 0);
		stopListening();
	};
	return { settled, stop };
}

describe('Max Requests per Minute', () => {
	test('set to the plan: the third poll waits its turn, no 429, nothing fails', async () => {
		const { settled, stop } = await start(5);
		try {
			// Three submits and the first two polls (where the learned jobs end) fill the budget.
			await waitFor(() => apiRequests().length >= 5);
			// Unbudgeted, the third item's poll would go out with the others: give it a while.
			await sleep(1_500);
			expect(fake.rateLimited).toBe(0);
			expect(apiRequests()).toHaveLength(5);
			expect(fake.requestsTo('submit')).toHaveLength(3);
			expect(fake.requestsTo('poll')).toHaveLength(2);
			// The two polled jobs were done (150 ms jobs): their images came down (not budgeted).
			await waitFor(() => fake.requestsTo('image').length >= 2);
			// The third item is still waiting for the budget, not failed.
			expect(settled).toHaveLength(0);
		} finally {
			await stop();
		}
	});

	test('not set: the same run draws 429s from Segmind', async () => {
		const { stop } = await start();
		try {
			await waitFor(() => fake.rateLimited > 0);
			expect(apiRequests().length).toBeGreaterThan(5);
		} finally {
			await stop();
		}
	});
});
