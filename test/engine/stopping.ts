/**
 * Stopping an execution in an engine test, timed as the user sees it: from the stop to the moment
 * the node's own execute() settles (not by the suite's wall time). Shared by the tests of Stop.
 */
import type { FakeSegmind } from '../fake-segmind';
import type { Moment } from '../harness/outgoing-requests';
import { onNodeSettled, startFluxNode } from '../harness/run-node';
import type { FluxExecution, NodeSettled, RunFluxNodeOptions } from '../harness/run-node';

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
		await sleep(20);
	}
}

interface StopTiming {
	/** Just before the stop (compare with outgoing-requests.ts's moments). */
	stop: Moment;
	/** From the stop to the node's execute() settling; Infinity when it had not within the patience. */
	settledAfterMs: number;
	/** What the node's execute() threw (undefined if it resolved, or had not settled). */
	error?: unknown;
}

export interface StoppableExecution {
	execution: FluxExecution;
	/**
	 * Stops the execution as the Stop button does, and waits up to `patienceMs` for the node to
	 * settle. Throws if the node had settled before the stop: there would be nothing to time.
	 */
	stop(patienceMs?: number): Promise<StopTiming>;
	/** Stops watching the node; call it in a `finally`. */
	dispose(): void;
}

/** Starts the node in n8n's engine, watching when its execute() settles. */
export async function startStoppable(options: RunFluxNodeOptions): Promise<StoppableExecution> {
	const settled: NodeSettled[] = [];
	const dispose = onNodeSettled((event) => settled.push(event));
	try {
		const execution = await startFluxNode(options);
		const stop = async (patienceMs = 5_000): Promise<StopTiming> => {
			if (settled.length > 0) throw new Error('the node had settled before the stop');
			const stopped = execution.cancel();
			await waitFor(() => settled.length > 0, patienceMs).catch(() => undefined);
			const [first] = settled;
			// The run waits for a node that ignores the stop: it is left to the fake's stop() then.
			if (!first) return { stop: stopped, settledAfterMs: Number.POSITIVE_INFINITY };
			await execution.done.catch(() => undefined);
			return { stop: stopped, settledAfterMs: first.at - stopped.at, error: first.error };
		};
		return { execution, stop, dispose };
	} catch (error) {
		dispose();
		throw error;
	}
}

/**
 * The first stop of a request in flight in a test file takes 180-480 ms on a busy machine
 * (measured) before the node gets to react: Node reads the abort error's stack, and jest's
 * source-map-support parses axios's and n8n-core's source maps to print it. Later stops take
 * 1-12 ms. That one-time cost is the test tooling's, not the node's: an untimed stop pays it here,
 * before the file's tests (call at the top level, after useFakeSegmind).
 */
export function warmUpStops(fake: FakeSegmind): void {
	beforeAll(async () => {
		fake.respond('poll', { status: 0, hang: true });
		const started = await startStoppable({
			credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
			parameters: {
				textPrompt: 'warm-up',
				// A workflow with no built-in prior: its first check comes after 2 s, not the Flux's 5+.
				workflowId: '0123456789abcdef01234567-v1',
				options: { timeout: 120, pollInterval: 30 },
			},
		});
		try {
			await waitFor(() => fake.requestsTo('poll').length > 0);
			await started.stop(10_000);
		} finally {
			started.dispose();
		}
	});
}
