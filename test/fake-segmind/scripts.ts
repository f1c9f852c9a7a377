import type { Route, ScriptedResponse } from './types';

interface QueuedScript {
	response: ScriptedResponse;
	remaining: number;
}

/** The answers `respond` queued: FIFO per route, each given `times` times. */
export class ScriptQueue {
	private queues = new Map<Route, QueuedScript[]>();

	add(route: Route, response: ScriptedResponse): void {
		const times = response.times ?? 1;
		if (!(times >= 1)) throw new Error(`respond(): times must be at least 1, got ${times}`);
		const queue = this.queues.get(route) ?? [];
		queue.push({ response: { ...response }, remaining: times });
		this.queues.set(route, queue);
	}

	take(route: Route): ScriptedResponse | undefined {
		const queue = this.queues.get(route);
		const head = queue?.[0];
		if (!queue || !head) return undefined;
		head.remaining--;
		if (head.remaining <= 0) queue.shift();
		return head.response;
	}

	reset(): void {
		this.queues = new Map();
	}
}
