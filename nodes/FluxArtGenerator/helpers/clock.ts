/**
 * The real clock for polling: n8n's `sleepWithAbort` (community nodes may not use setTimeout
 * themselves) tied to the execution's cancel signal, so a stopped execution stops waiting at once.
 */
import { sleepWithAbort } from 'n8n-workflow';

import type { Clock } from './polling';

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
	const outcome = await sleepWithAbort(ms, local.signal).then(
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
