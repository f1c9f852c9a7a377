/**
 * The real clock for polling: n8n's `sleepWithAbort` (community nodes may not use setTimeout
 * themselves) tied to the execution's cancel signal, so a stopped execution stops waiting at once.
 */
import { sleepWithAbort } from 'n8n-workflow';

import type { Clock } from './polling';

export function executionClock(signal: AbortSignal | undefined): Clock {
	return {
		now: () => Date.now(),
		sleep: async (ms) => await sleepLinkedTo(ms, signal),
	};
}

/**
 * sleepWithAbort leaves its abort listener on the signal after a normal wake-up; a long poll loop
 * on the execution's one signal would pile them up. Each sleep therefore gets its own short-lived
 * signal, linked to the execution's by one listener that is removed afterwards.
 */
async function sleepLinkedTo(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (!signal) return await sleepWithAbort(ms);
	const local = new AbortController();
	const forward = () => local.abort();
	if (signal.aborted) local.abort();
	else signal.addEventListener('abort', forward, { once: true });
	try {
		await sleepWithAbort(ms, local.signal);
	} finally {
		signal.removeEventListener('abort', forward);
	}
}
