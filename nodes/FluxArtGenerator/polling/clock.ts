/**
 * The real clock for polling: n8n's abortable sleep (community nodes may not use setTimeout
 * themselves) tied to the execution's cancel signal, so a stopped execution stops waiting at once.
 */
import * as n8nWorkflow from 'n8n-workflow';

/** Time as the waits see it: a fake one in the tests and the bench, n8n's sleep in a run. */
export interface Clock {
	now(): number;
	/** Waits `ms`; resolves true if `wake` settled first (the wait ended early), else false. */
	sleep(ms: number, wake?: Promise<unknown>): Promise<boolean | void>;
}

type AbortableSleep = (ms: number, abortSignal?: AbortSignal) => Promise<void>;

export function executionClock(signal: AbortSignal | undefined): Clock {
	return {
		now: () => Date.now(),
		/**
		 * sleepWithAbort leaves its abort listener on the signal after a normal wake-up, and a long
		 * poll loop would pile them up on the execution's one signal: each sleep gets its own signal,
		 * linked to the execution's by one listener removed afterwards. That signal also ends the
		 * sleep early when `wake` settles (another job of the run finished): then it resolves true.
		 */
		async sleep(ms, wake) {
			const local = new AbortController();
			const forward = () => local.abort();
			let woken = false;
			if (signal?.aborted) local.abort();
			else signal?.addEventListener('abort', forward, { once: true });
			void wake?.then(() => {
				woken = !local.signal.aborted;
				local.abort();
			});
			// n8n-workflow 2.8 (n8n 2.8.4) exports `sleepWithAbort(ms, signal)`, 2.41 (n8n 2.41.1) only
			// `sleep(ms, signal)`; n8n supplies n8n-workflow, so the package takes the one that exists.
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
		},
	};
}
