/**
 * One request budget for every item of an execution (Max Requests per Minute): Segmind's plans
 * allow about 5 requests a minute on the free tier and 50 on Pro, counted over submits and polls
 * alike. Calls wait their turn instead of drawing 429s; polls go first, because a poll can end a
 * wait while a new submit only starts one. A 429 anyway means the real limit is lower than set:
 * the budget shrinks for the rest of the run.
 */
import type { Clock } from '../helpers/polling';

/** Slightly longer than a minute, so send-time and receive-time windows cannot disagree. */
export const BUDGET_WINDOW_MS = 61_000;

type Priority = 'poll' | 'submit';

interface Waiter {
	priority: Priority;
	grant: () => void;
	fail: (error: unknown) => void;
}

export class RequestBudget {
	private readonly sent: number[] = [];
	private readonly waiting: Waiter[] = [];
	private pumping = false;

	constructor(
		private limit: number,
		private readonly clock: Clock,
	) {}

	/** Resolves when this call may be sent; counts it as sent. */
	async take(priority: Priority): Promise<void> {
		const granted = new Promise<void>((grant, fail) =>
			this.waiting.push({ priority, grant, fail }),
		);
		void this.pump();
		await granted;
	}

	/** Segmind answered 429 although the budget allowed the call: lower the budget. */
	shrink(): void {
		this.limit = Math.max(1, Math.floor(this.limit * 0.8));
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiting.length > 0) {
				const now = this.clock.now();
				while (this.sent.length > 0 && this.sent[0] <= now - BUDGET_WINDOW_MS) this.sent.shift();
				if (this.sent.length >= this.limit) {
					try {
						await this.clock.sleep(this.sent[0] + BUDGET_WINDOW_MS - now);
					} catch (error) {
						// The execution was stopped: nobody waiting may hang.
						for (const waiter of this.waiting.splice(0)) waiter.fail(error);
						return;
					}
					continue;
				}
				const poll = this.waiting.findIndex((waiter) => waiter.priority === 'poll');
				const [waiter] = this.waiting.splice(Math.max(0, poll), 1);
				this.sent.push(now);
				waiter.grant();
			}
		} finally {
			this.pumping = false;
		}
	}
}
