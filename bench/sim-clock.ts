/**
 * A virtual clock for the bench's simulation: the node's own `pollUntilDone` and `JobDurations`
 * run unchanged on it, and nothing really sleeps. Time jumps from one timer to the next once every
 * promise that could still schedule one has settled.
 */
import type { Clock } from '../nodes/FluxArtGenerator/polling/clock';

interface Timer {
	at: number;
	seq: number;
	fire: (woken: boolean) => void;
	done: boolean;
}

export class VirtualClock implements Clock {
	private time = 0;
	private seq = 0;
	private timers: Timer[] = [];

	now(): number {
		return this.time;
	}

	async sleep(ms: number, wake?: Promise<unknown>): Promise<boolean> {
		return await new Promise<boolean>((resolve) => {
			const timer: Timer = {
				at: this.time + Math.max(0, ms),
				seq: this.seq++,
				done: false,
				fire: (woken) => {
					if (timer.done) return;
					timer.done = true;
					resolve(woken);
				},
			};
			this.timers.push(timer);
			void wake?.then(() => timer.fire(true));
		});
	}

	/** Runs `task` to its end in virtual time. */
	async run<T>(task: Promise<T>): Promise<T> {
		let settled = false;
		const watched = task.finally(() => (settled = true));
		for (;;) {
			// Let every microtask (answers, wake-ups, the next plan) run before time moves on.
			await new Promise((resolve) => setImmediate(resolve));
			if (settled) return await watched;
			this.timers = this.timers.filter((timer) => !timer.done);
			if (this.timers.length === 0) return await watched;
			const next = this.timers.reduce((a, b) =>
				b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a,
			);
			this.time = next.at;
			next.fire(false);
		}
	}
}
