/**
 * Stop means stop: when the user stops the execution while the node waits, the node's own
 * execute() gives up within a second (measured from the stop to its rejection, not by the suite's
 * wall time), with the cancellation, never an error item, and sends nothing more.
 */
import { ExecutionCancelledError } from 'n8n-workflow';

import { onNodeSettled, startFluxNode } from '../harness/run-node';
import type { NodeSettled } from '../harness/run-node';
import { useFakeSegmind } from './helpers';

const fake = useFakeSegmind();

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe.each([
	['stopped', undefined, false],
	['stopped under Continue On Fail', 'continueRegularOutput' as const, false],
	['stopped during a hung poll request', undefined, true],
])('an execution %s while polling', (_name, onError, hungPoll) => {
	test('the node rejects with the cancellation within a second and sends nothing more', async () => {
		fake.setScenario({ neverFinish: true });
		if (hungPoll) fake.respond('poll', { status: 0, hang: true });
		const settled: NodeSettled[] = [];
		const stopListening = onNodeSettled((event) => settled.push(event));
		try {
			const execution = await startFluxNode({
				credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
				// A long Poll Interval: the node is asleep between polls when the stop comes.
				parameters: { textPrompt: 'never finishes', options: { timeout: 120, pollInterval: 30 } },
				items: [{}, {}],
				onError,
			});
			await waitFor(() => fake.requestsTo('poll').length >= (hungPoll ? 1 : 3));
			if (hungPoll) await new Promise((resolve) => setTimeout(resolve, 200));
			const stoppedAt = Date.now();
			execution.cancel();
			await execution.done.catch(() => undefined);
			await waitFor(() => settled.length > 0);

			expect(settled[0].at - stoppedAt).toBeLessThan(1_000);
			expect(settled[0].error).toBeInstanceOf(ExecutionCancelledError);
			const requestsAtStop = fake.requests.length;
			await new Promise((resolve) => setTimeout(resolve, 1_500));
			expect(fake.requests.length).toBe(requestsAtStop);
			// Two items in flight at once, each submitted exactly once.
			expect(fake.requestsTo('submit')).toHaveLength(2);
			expect(fake.jobs).toHaveLength(2);
		} finally {
			stopListening();
		}
	});
});
