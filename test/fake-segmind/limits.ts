/** Segmind's capacity and rate limit, as the bench needs them: pure bookkeeping on timestamps. */

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

/** At most `perMinute` accepted requests in any sliding 60 s; the rest are refused. */
export class RateLimit {
	private accepted: number[] = [];
	refused = 0;

	constructor(private readonly perMinute?: number) {}

	admit(now: number): boolean {
		if (!this.perMinute) return true;
		this.accepted = this.accepted.filter((time) => time > now - 60_000);
		if (this.accepted.length >= this.perMinute) {
			this.refused++;
			return false;
		}
		this.accepted.push(now);
		return true;
	}

	reset(): void {
		this.accepted = [];
		this.refused = 0;
	}
}
