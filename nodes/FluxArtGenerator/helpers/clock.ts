/**
 * The real clock for polling: n8n's abortable sleep (community nodes may not use setTimeout
 * themselves) tied to the execution's cancel signal, so a stopped execution stops waiting at once.
 */
import * as n8nWorkflow from 'n8n-workflow';

import type { Clock } from './polling';

type AbortableSleep = (ms: number, abortSignal?: AbortSignal) => Promise<void>;

export function executionClock(signal: AbortSignal | undefined): Clock {
	return {
		now: () => Date.now(),
		sleep: async (ms, wake) => await sleepLinkedTo(ms, signal, wake),
	};
}

/**
 * sleepWithAbort leaves its abort listener on the signal after a normal wake-up; a long poll loop
 * on the execution's one signal would pile them up. Each sleep therefore gets its own short-lived
 * signal, linked to the execution's by one listener that is removed afterwards. The same local
 * signal ends the sleep early when `wake` settles (another job of the run finished): then the
 * sleep resolves with true instead of rejecting.
 */
async function sleepLinkedTo(
	ms: number,
	signal: AbortSignal | undefined,
	wake?: Promise<unknown>,
): Promise<boolean> {
	const local = new AbortController();
	const forward = () => local.abort();
	let woken = false;
	if (signal?.aborted) local.abort();
	else signal?.addEventListener('abort', forward, { once: true });
	void wake?.then(() => {
		woken = !local.signal.aborted;
		local.abort();
	});
	// n8n-workflow 2.8 (n8n 2.8.4) exports `sleepWithAbort(ms, signal)`; n8n-workflow 2.41 (n8n
	// 2.41.1) no longer does, and its `sleep(ms, signal)` takes the signal instead. The package runs
	// in whichever n8n the user has, so it takes the one that exists (n8n supplies n8n-workflow).
	const { sleepWithAbort, sleep } = n8nWorkflow as unknown as Record<string, AbortableSleep>;
	const outcome = await (sleepWithAbort ?? sleep)(ms, local.signal).then(
		() => ({ slept: true as const }),
		(error: unknown) => ({ slept: false as const, error }),
	);
	signal?.removeEventListener('abort', forward);
	// Settle the local signal, so a later wake-up finds nothing left to end.
	local.abort();
	if (outcome.slept) return false;
	if (woken && !signal?.aborted) return true;
	throw outcome.error;
}
