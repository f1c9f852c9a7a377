/** Segmind's capacity and rate limits, as the bench needs them: pure bookkeeping on timestamps. */
import type { FakeSegmindOptions, RatePlan, Route } from './types';

/** Jobs run `capacity` at a time; a job submitted while all run starts when the first slot frees. */
export class JobSlots {
	private ends: number[] = [];

	constructor(private readonly capacity?: number) {}

	/** When a job submitted at `now` lasting `durationMs` starts; books its slot. */
	start(now: number, durationMs: number): number {
		if (!this.capacity) return now;
		this.ends = this.ends.filter((end) => end > now).sort((a, b) => a - b);
		const startsAt = this.ends.length < this.capacity ? now : this.ends.shift()!;
		this.ends.push(startsAt + durationMs);
		return startsAt;
	}

	reset(): void {
		this.ends = [];
	}
}

/** What the plan made of one request, and what its headers would say. */
export interface Admission {
	admitted: boolean;
	/** `limit` minus the counted requests in the window, this one included; never negative. */
	remaining: number;
	/**
	 * When the limit next frees a place: the oldest counted request's exit (rolling), the window's
	 * end (fixed); `now` when nothing is counted, as nothing then stands in the way.
	 */
	resetAt: number;
}

/** Whether a request on `route` (undefined: a path no route answers) counts against `plan`. */
export function countsAgainst(plan: Pick<RatePlan, 'counts'>, route: Route | undefined): boolean {
	return plan.counts === 'all' || route === 'submit';
}

/** One account's window: pure bookkeeping on the timestamps it is given. */
export class RateWindow {
	readonly plan: Readonly<Required<RatePlan>>;
	/** Requests refused since the last reset. */
	refused = 0;
	/** When each counted (admitted and counted) request came, since the last reset. */
	counted: number[] = [];
	/** The counted requests that still weigh on the limit. */
	private live: number[] = [];
	/** Fixed windows: when the open one started. */
	private openedAt: number | undefined;

	constructor(plan: RatePlan) {
		const windowMs = plan.windowMs ?? 60_000;
		if (!(Number.isInteger(plan.limit) && plan.limit >= 1))
			throw new Error(`plan.limit must be a positive integer, got ${plan.limit}`);
		if (!(windowMs > 0)) throw new Error(`plan.windowMs must be positive, got ${windowMs}`);
		this.plan = { ...plan, windowMs };
	}

	/**
	 * A request at `now`: a counted one is admitted if the window has room, and then takes a place;
	 * an uncounted one is always admitted and takes none. A refused one takes none either.
	 */
	admit(now: number, counts: boolean): Admission {
		this.expire(now);
		if (!counts) return this.state(now, true);
		if (this.live.length >= this.plan.limit) {
			this.refused++;
			return this.state(now, false);
		}
		if (this.plan.window === 'fixed') this.openedAt ??= now;
		// Requests are stamped on arrival and admitted once their body is read, so a slow body can
		// come after a later arrival: kept in time order, the oldest stays first.
		const at = this.live.findIndex((time) => time > now);
		this.live.splice(at === -1 ? this.live.length : at, 0, now);
		this.counted.push(now);
		return this.state(now, true);
	}

	/**
	 * The earliest moment from `now` on when a counted request would be admitted, without asking
	 * (no bookkeeping): for a client that knows the plan, as the bench's oracle does. `now` must not
	 * be earlier than a request already admitted.
	 */
	nextAdmission(now: number): number {
		const { limit, window, windowMs } = this.plan;
		if (window === 'fixed') {
			const open = this.openedAt !== undefined && now < this.openedAt + windowMs;
			return open && this.live.length >= limit ? this.openedAt! + windowMs : now;
		}
		const inWindow = this.live.filter((time) => time > now - windowMs);
		// The requests that must leave for one place to free: all but the newest limit - 1.
		return inWindow.length < limit ? now : inWindow[inWindow.length - limit] + windowMs;
	}

	reset(): void {
		this.refused = 0;
		this.counted = [];
		this.live = [];
		this.openedAt = undefined;
	}

	private expire(now: number): void {
		const { window, windowMs } = this.plan;
		if (window === 'rolling') {
			this.live = this.live.filter((time) => time > now - windowMs);
		} else if (this.openedAt !== undefined && now >= this.openedAt + windowMs) {
			this.live = [];
			this.openedAt = undefined;
		}
	}

	private state(now: number, admitted: boolean): Admission {
		const remaining = Math.max(0, this.plan.limit - this.live.length);
		const { window, windowMs } = this.plan;
		const from = window === 'fixed' ? this.openedAt : this.live[0];
		return { admitted, remaining, resetAt: from === undefined ? now : from + windowMs };
	}
}

/** The account's plan: `plan`, or `rateLimitPerMinute` as the sliding, silent minute it always was. */
export function rateWindowFrom(options: FakeSegmindOptions): RateWindow | undefined {
	const { plan, rateLimitPerMinute } = options;
	if (plan && rateLimitPerMinute !== undefined)
		throw new Error('FakeSegmind takes plan or rateLimitPerMinute, not both');
	if (plan) return new RateWindow(plan);
	if (!rateLimitPerMinute) return undefined;
	return new RateWindow({
		limit: rateLimitPerMinute,
		window: 'rolling',
		counts: 'all',
		headers: 'none',
	});
}
