/**
 * The `rate_plans` scenario's oracle, computed rather than run: a client that knows the account's
 * limit and every job's duration, with the same Items at Once as the node. Each submit goes at the
 * earliest moment both the limit and a free Items at Once slot allow; each job gets one check, at
 * the first moment the limit allows once the job is done. Requests compete first come, first
 * served (a check before a submit at the same moment: it ends a job and frees a slot). The limit
 * is the fake's own bookkeeping (`RateWindow`), so the oracle and the fake cannot disagree on it.
 */
import { countsAgainst, RateWindow } from '../test/fake-segmind/limits';
import type { RatePlan } from '../test/fake-segmind';

export interface OracleInput {
	plan: Omit<RatePlan, 'headers'>;
	itemsAtOnce: number;
	/** One per job, in item order (the order a pool of workers takes them in). */
	durationsMs: number[];
	/** From an answer leaving Segmind to the client's next request reaching it. */
	roundTripMs: number;
}

export interface OracleSchedule {
	/** First submit to the last image request (one round trip after the last check). */
	wall_ms: number;
	/** A submit and a check per job: the oracle is never refused and never checks too early. */
	requests: number;
	/** When each job's submit and check reach Segmind, in ms from the first submit. */
	submits: number[];
	checks: number[];
}

interface Candidate {
	kind: 'submit' | 'check';
	job: number;
	/** When the client could send it, the limit aside. */
	readyAt: number;
	/** When the limit lets it in. */
	at: number;
}

/** The earlier request goes first; at the same moment a check, then the earlier-ready, then item order. */
function before(a: Candidate, b: Candidate): boolean {
	if (a.at !== b.at) return a.at < b.at;
	if (a.kind !== b.kind) return a.kind === 'check';
	if (a.readyAt !== b.readyAt) return a.readyAt < b.readyAt;
	return a.job < b.job;
}

export function rateOracle(input: OracleInput): OracleSchedule {
	const { plan, durationsMs, roundTripMs } = input;
	const jobs = durationsMs.length;
	const window = new RateWindow({ ...plan, headers: 'none' });
	const counts = (kind: Candidate['kind']) =>
		countsAgainst(plan, kind === 'submit' ? 'submit' : 'poll');
	/** When each Items at Once slot is free again (Infinity while its job runs). */
	const slots = new Array<number>(Math.min(input.itemsAtOnce, jobs)).fill(0);
	const slotOf: number[] = [];
	const submits: number[] = [];
	const checks: number[] = [];
	/** Jobs submitted and not yet checked, with when each is done. */
	const running = new Map<number, number>();
	let next = 0;
	let now = 0;
	while (next < jobs || running.size > 0) {
		const ready: Array<Omit<Candidate, 'at'>> = [...running].map(([job, doneAt]) => ({
			kind: 'check',
			job,
			readyAt: Math.max(now, doneAt),
		}));
		if (next < jobs)
			ready.push({ kind: 'submit', job: next, readyAt: Math.max(now, Math.min(...slots)) });
		// Time only moves forward: every candidate is asked about from `now` on.
		const candidates = ready
			.filter((candidate) => Number.isFinite(candidate.readyAt))
			.map((candidate) => ({
				...candidate,
				at: counts(candidate.kind) ? window.nextAdmission(candidate.readyAt) : candidate.readyAt,
			}));
		const chosen = candidates.reduce((a, b) => (before(b, a) ? b : a));
		window.admit(chosen.at, counts(chosen.kind));
		now = chosen.at;
		if (chosen.kind === 'submit') {
			const slot = slots.indexOf(Math.min(...slots));
			slots[slot] = Number.POSITIVE_INFINITY;
			slotOf[chosen.job] = slot;
			submits[chosen.job] = now;
			// The check can go once the job is done and the submit's answer is back.
			running.set(chosen.job, now + Math.max(durationsMs[chosen.job], roundTripMs));
			next++;
		} else {
			checks[chosen.job] = now;
			running.delete(chosen.job);
			slots[slotOf[chosen.job]] = now + roundTripMs;
		}
	}
	const first = submits[0] ?? 0;
	return {
		wall_ms: jobs === 0 ? 0 : Math.max(...checks) + roundTripMs - first,
		requests: 2 * jobs,
		submits: submits.map((time) => time - first),
		checks: checks.map((time) => time - first),
	};
}
