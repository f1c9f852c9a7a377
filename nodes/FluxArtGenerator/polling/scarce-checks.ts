/**
 * Checks under a rate limit that leaves a job fewer than the usual plan spends (pure). A submit
 * starts Segmind's clock and a check only reports it, so a tight budget is best spent on fewer
 * checks placed where the job is likely done: `k` checks at evenly spaced chances of finding it
 * done, the last where 93% of such jobs are done.
 */
import { hazardPerMs, medianMs, nearlyAllDoneMs, quantileMs, survival } from './durations';
import type { DurationModel } from './durations';

/**
 * The share of such jobs done by a job's last scarce check: 0.95 and above found long jobs late,
 * 0.9 and below ran out of checks too often (`rate_sim`, tuning seeds 1-30).
 */
const DONE_BY_LAST = 0.93;

/**
 * The checks the usual plan spends from `fromMs` until 95% of such jobs are done, each counted
 * while the job may still be running: 1 for the check that finds it done, plus the integral of
 * survival times the plan's density sqrt(hazard / (2 · price)).
 */
export function usualChecks(model: DurationModel, fromMs: number, priceMs: number): number {
	const end = Math.max(nearlyAllDoneMs(model), fromMs);
	const steps = 100;
	const step = (end - fromMs) / steps;
	const alive = survival(model, fromMs);
	let checks = 1;
	for (let i = 0; i < steps && alive > 0; i++) {
		const t = fromMs + (i + 0.5) * step;
		checks +=
			(survival(model, t) / alive) * Math.sqrt(hazardPerMs(model, t) / (2 * priceMs)) * step;
	}
	return checks;
}

/** The checks `k` scarce checks spend on average: the i-th is needed while the job still runs. */
const scarceAverage = (k: number) => 1 + (k - 1) * (1 - DONE_BY_LAST / 2);

/** The most scarce checks whose average fits `perJob`, at least one. */
export const scarceCount = (perJob: number) => {
	let k = 1;
	while (scarceAverage(k + 1) <= perJob) k++;
	return k;
};

/**
 * A job's share of the checks Segmind's rate limit leaves: `perJob` on average (its jobs end early
 * or late by chance, so they pool their checks), and `total`, all there are for checks before the
 * window ends. Infinite when nothing limits the run.
 */
export interface CheckShare {
	perJob: number;
	total: number;
}

/**
 * The wait from `elapsedMs` to the next check when the share is fewer checks than the usual plan
 * spends (undefined otherwise): as many scarce checks as the share affords on average, never more
 * than all there are, at least one; the next at the first of their chances.
 */
export function scarceGap(
	model: DurationModel,
	elapsedMs: number,
	{ perJob, total }: CheckShare,
	priceMs: number,
): number | undefined {
	if (!(perJob < usualChecks(model, elapsedMs, priceMs))) return undefined;
	const k = Math.max(1, Math.min(Math.floor(total), scarceCount(perJob)));
	// The chances are of all such jobs, so a plan made again after each check keeps its last one
	// where 93% are done; past that point they are the chances of the jobs still running.
	const alive = survival(model, elapsedMs);
	const last = 1 - DONE_BY_LAST;
	const nextAlive = alive > last ? alive - (alive - last) / k : alive * (1 - DONE_BY_LAST / k);
	const at = quantileMs(model, Math.min(1 - 1e-9, 1 - nextAlive));
	return Math.max(0, at - elapsedMs) || medianMs(model) / 10;
}
