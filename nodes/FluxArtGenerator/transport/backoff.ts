/**
 * One pause shared by every item of an execution: when Segmind answers 429 to one item, all
 * items hold back, so a batch does not keep hammering a 5-requests-a-minute plan.
 */
import type { Clock } from '../helpers/polling';

export class SharedBackoff {
	private until = 0;

	constructor(private readonly clock: Clock) {}

	/** Every caller waits at least until `now + ms` before its next request. */
	pauseFor(ms: number): void {
		this.until = Math.max(this.until, this.clock.now() + ms);
	}

	async wait(): Promise<void> {
		for (let left = this.until - this.clock.now(); left > 0; left = this.until - this.clock.now()) {
			await this.clock.sleep(left);
		}
	}
}
