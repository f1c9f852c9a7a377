/**
 * One pacer for every API request of an execution (submits, polls, credits): it sends each when
 * Segmind's rate limit allows, from what Segmind says (`x-rate-limit-remaining` and the reset
 * time), else from what it learned (the requests that went out before a 429, or a limit stored by
 * an earlier execution), and always within Max Requests per Minute when that is set. Nobody has to
 * know their plan: a free account's 5 requests a minute and a Pro account's 50 are both read from
 * the answers. Every wait ends at the waiting item's own deadline.
 */
import type { Clock } from '../polling/clock';
import type { RateLimitReading } from './rate-limit';

/** Slightly longer than a minute, so send-time and receive-time windows cannot disagree. */
export const WINDOW_MS = 61_000;
/**
 * Segmind's documented plans (Free 5, Pro 50 a minute). While no limit is known, the request that
 * would pass one of these counts goes alone, so a limit shows itself with one 429, not with every
 * request in flight at that moment.
 */
const PLAN_LIMITS = [5, 50];
/** With this few requests left, one at a time: each then sees the count the last one left. */
const ONE_AT_A_TIME_AT = 3;
/** A reset time is a server's clock; the first request after it waits a little longer. */
const RESET_MARGIN_MS = 250;
/** The readings of Segmind's headers kept: the newest. */
const READINGS_KEPT = 16;
/**
 * Others (another execution, another n8n worker) may spend from the same account unseen: a reading
 * older than this is trusted for one request only, whose answer brings a fresh one. That costs a
 * lone run one round trip after a quiet spell, and keeps several from each spending what another
 * already spent.
 */
const FRESH_MS = 1_000;
/** Without a reset time or a known limit, a 429 is waited out like this, doubling to the cap. */
const BACKOFF_MS = 2_000;
const BACKOFF_CAP_MS = 30_000;

export type Priority = 'submit' | 'poll';

/** One granted request, until its answer (or its failure) is reported. */
export interface Ticket {
	readonly seq: number;
	/** How many of this run's requests went out in the window before this one. */
	readonly before: number;
	/** Sent past a limit learned from a 429 that named no reset time, to see whether it holds. */
	readonly probe?: boolean;
}

interface Waiter {
	priority: Priority;
	deadline: number;
	settle: (ticket: Ticket | undefined) => void;
	fail: (error: unknown) => void;
}

/** A reading of Segmind's headers, tied to the request that brought it. */
interface Reading {
	seq: number;
	/** When it was read, on the clock. */
	at: number;
	remaining: number;
	resetAt: number;
}

export class RatePacer {
	/** This run's requests in the window: send times and sequence numbers, oldest first. */
	private sent: Array<{ at: number; seq: number }> = [];
	private seq = 0;
	private inFlight = 0;
	private readings: Reading[] = [];
	private pausedUntil = 0;
	/** Learned from Segmind (a 429, its headers) or stored by an earlier execution. */
	private limit: number | undefined;
	/**
	 * Whether the limit is known to hold: stored, or learned from a 429 whose reset time showed the
	 * window was all the run's. A bare 429 (no header at all) may be a passing fault instead: the
	 * first request past its limit is a probe, and one answered otherwise forgets the limit.
	 */
	private limitSure = true;
	private learnedLimit: number | undefined;
	/** The most requests a reading said were left, plus the one that brought it: the plan's size. */
	private largestReading = 0;
	/** The most requests of one window that Segmind answered without a 429. */
	private provenSafe = 0;
	private strikes = 0;
	/** The next request granted is a probe (see limitSure). */
	private probing = false;
	private waiting: Waiter[] = [];
	private pumping = false;
	private wake!: () => void;
	private changed = this.renew();

	constructor(
		private readonly clock: Clock,
		/** Max Requests per Minute (0: none) and a limit an earlier execution learned. */
		private readonly options: { cap: number; storedLimit?: number },
	) {
		this.limit = options.storedLimit;
	}

	/**
	 * Resolves with a ticket when a request of this priority may go (submits first: a submit starts
	 * Segmind's clock, a check only reports it), or with undefined when `deadline` comes first.
	 */
	async take(priority: Priority, deadline: number): Promise<Ticket | undefined> {
		const granted = new Promise<Ticket | undefined>((settle, fail) =>
			this.waiting.push({ priority, deadline, settle, fail }),
		);
		void this.pump();
		return await granted;
	}

	/**
	 * The answer to a ticket's request: its status and rate-limit headers; nothing for a request
	 * that got no answer. A 429 teaches the limit (the requests sent before it in the window) and
	 * holds every request back until the reset.
	 */
	answered(ticket: Ticket, answer?: { status: number; reading: RateLimitReading }): void {
		this.inFlight--;
		const now = this.clock.now();
		const { remaining, resetAt, retryAt } = answer?.reading ?? {};
		if (remaining !== undefined && resetAt !== undefined && resetAt > now) {
			// The newest few: the tightest is among them, and a busy run answers many a minute.
			const reading = { seq: ticket.seq, at: now, remaining, resetAt };
			this.readings = [...this.readings.slice(1 - READINGS_KEPT), reading];
			this.largestReading = Math.max(this.largestReading, remaining + 1);
			this.learn(this.largestReading);
		}
		if (answer?.status === 429) {
			// Refused, so not counted by Segmind: it does not fill the run's window either.
			this.sent = this.sent.filter((sent) => sent.seq !== ticket.seq);
			const learnable = retryAt === undefined && this.readings.length === 0 && ticket.before > 0;
			if (learnable && this.windowWasOurs(resetAt, now)) {
				this.learn(Math.min(this.limit ?? ticket.before, ticket.before));
				this.limitSure = resetAt !== undefined || ticket.probe === true;
			}
			const asked = Math.max(retryAt ?? 0, resetAt ?? 0);
			const { limit } = this;
			const windowFull = this.limitSure && limit !== undefined && this.sent.length >= limit;
			const until =
				asked > now
					? asked + RESET_MARGIN_MS
					: windowFull
						? this.sent[this.sent.length - limit].at + WINDOW_MS
						: now + Math.min(BACKOFF_CAP_MS, BACKOFF_MS * 2 ** this.strikes++);
			this.pausedUntil = Math.max(this.pausedUntil, until);
		} else if (answer) {
			this.provenSafe = Math.max(this.provenSafe, ticket.before + 1);
			this.strikes = 0;
			// The limit a bare 429 suggested did not hold: that 429 was a passing fault.
			if (ticket.probe) [this.limit, this.learnedLimit] = [this.options.storedLimit, undefined];
		}
		this.notify();
	}

	/**
	 * Whether the requests this run sent in the window are all the window held, so that their count
	 * is the limit: not when the reset comes sooner than a window after the first of them (the
	 * window began before this run, with requests it never saw).
	 */
	private windowWasOurs(resetAt: number | undefined, now: number): boolean {
		const first = this.sent[0]?.at ?? now;
		return resetAt === undefined || resetAt >= first + WINDOW_MS - 4_000;
	}

	/** The limit this run learned from Segmind, to remember for the next execution. */
	get learned(): number | undefined {
		return this.learnedLimit;
	}

	/**
	 * Requests the run may still send within `horizonMs`: what Segmind's headers or the known limit
	 * leave in this window, plus a new window's if it starts before the horizon. Infinity when
	 * nothing limits the run.
	 */
	tokensWithin(horizonMs: number): number {
		const now = this.clock.now();
		this.prune(now);
		const end = now + horizonMs;
		const bounds: number[] = [];
		const left = this.leftInReadings(now);
		if (left) {
			const refill = left.resetAt < end ? (this.limit ?? 0) : 0;
			bounds.push(Math.max(0, left.count) + refill);
		} else if (this.limit !== undefined) bounds.push(this.slidingTokens(this.limit, end));
		if (this.options.cap > 0) bounds.push(this.slidingTokens(this.options.cap, end));
		if (now < this.pausedUntil && this.pausedUntil >= end) bounds.push(0);
		return bounds.length ? Math.min(...bounds) : Number.POSITIVE_INFINITY;
	}

	private learn(limit: number): void {
		this.limit = limit;
		this.learnedLimit = limit;
	}

	/** A sliding window's requests free by `end`: those not sent, and those that expire by then. */
	private slidingTokens(limit: number, end: number): number {
		const expiring = this.sent.filter(({ at }) => at + WINDOW_MS <= end).length;
		return Math.max(0, limit - this.sent.length) + Math.min(expiring, limit);
	}

	/**
	 * What the freshest readings leave: each reading's remaining, less the requests this run sent
	 * after the one that brought it (Segmind may not have counted them yet); the tightest wins.
	 */
	private leftInReadings(now: number) {
		this.readings = this.readings.filter((reading) => reading.resetAt > now);
		if (this.readings.length === 0) return undefined;
		const sentAfter = (seq: number) => this.sent.filter((sent) => sent.seq > seq).length;
		let best = { count: Number.POSITIVE_INFINITY, resetAt: 0 };
		for (const { seq, remaining, resetAt } of this.readings) {
			const count = remaining - sentAfter(seq);
			if (count < best.count) best = { count, resetAt };
		}
		const newest = this.readings[this.readings.length - 1];
		return { ...best, stale: now - newest.at > FRESH_MS };
	}

	/** When the next request may go, and whether it must go alone (nothing else in flight). */
	private nextSlot(now: number): { at: number; alone: boolean } {
		this.probing = false;
		let at = Math.max(now, this.pausedUntil);
		let alone = false;
		const count = this.sent.length;
		const expiryOf = (limit: number) => this.sent[count - limit].at + WINDOW_MS;
		const { cap } = this.options;
		if (cap > 0 && count >= cap) at = Math.max(at, expiryOf(cap));
		const left = this.leftInReadings(now);
		if (left) {
			if (left.count <= 0) at = Math.max(at, left.resetAt + RESET_MARGIN_MS);
			else alone = left.count <= ONE_AT_A_TIME_AT || left.stale;
		} else if (this.limit !== undefined) {
			if (count < this.limit) alone = this.limit - count <= ONE_AT_A_TIME_AT;
			else if (this.limitSure) at = Math.max(at, expiryOf(this.limit));
			else [alone, this.probing] = [true, true];
		} else {
			alone = PLAN_LIMITS.some((plan) => count >= plan && this.provenSafe <= plan);
		}
		return { at, alone };
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiting.length > 0) {
				const now = this.clock.now();
				this.prune(now);
				const slot = this.nextSlot(now);
				if (slot.at <= now && !(slot.alone && this.inFlight > 0)) {
					this.grant(now);
					continue;
				}
				// Held back by the limit: a waiter whose deadline has come ends now, not at the reset.
				for (const late of this.waiting.filter((waiter) => waiter.deadline <= now)) {
					this.waiting.splice(this.waiting.indexOf(late), 1);
					late.settle(undefined);
				}
				if (this.waiting.length === 0) break;
				const firstDeadline = Math.min(...this.waiting.map((waiter) => waiter.deadline));
				const until = slot.at > now ? Math.min(slot.at, firstDeadline) : firstDeadline;
				try {
					await this.clock.sleep(Math.max(0, until - now), this.changed);
				} catch (error) {
					// The execution was stopped: nobody waiting may hang.
					for (const waiter of this.waiting.splice(0)) waiter.fail(error);
					return;
				}
			}
		} finally {
			this.pumping = false;
		}
	}

	private grant(now: number): void {
		const submit = this.waiting.findIndex((waiter) => waiter.priority === 'submit');
		const [waiter] = this.waiting.splice(Math.max(0, submit), 1);
		const ticket = { seq: ++this.seq, before: this.sent.length, probe: this.probing };
		this.probing = false;
		this.sent.push({ at: now, seq: ticket.seq });
		this.inFlight++;
		waiter.settle(ticket);
	}

	private prune(now: number): void {
		while (this.sent.length > 0 && this.sent[0].at <= now - WINDOW_MS) this.sent.shift();
	}

	private notify(): void {
		const wake = this.wake;
		this.changed = this.renew();
		wake();
		void this.pump();
	}

	private renew(): Promise<void> {
		return new Promise<void>((resolve) => (this.wake = resolve));
	}
}
