/**
 * What the node believes about how long a Segmind workflow's jobs take. Durations are skewed (most
 * Flux jobs take 6–14 s, a few much longer), so the belief is a log-normal fitted to the durations
 * seen for the workflow (this execution's and, for production executions, earlier ones'), pooled
 * with a built-in prior for the default Flux workflow.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_WORKFLOW_ID } from '../constants';

export interface DurationModel {
	/** Mean and standard deviation of ln(duration in ms). */
	mu: number;
	sigma: number;
}

/**
 * The default Flux art workflow before anything is learned: median 9.5 s, spread 0.28 (80% of jobs
 * in 6.6–13.6 s), the band its jobs were reported to finish in ("most between 6 and 14 s"); an
 * assumption, not a measurement. It counts as 8 jobs, so a few dozen learned durations decide.
 */
export const FLUX_ART_PRIOR: DurationModel = { mu: Math.log(9_500), sigma: 0.28 };
const PRIOR_WEIGHT = 8;
/** The spread assumed while a workflow without a prior has few durations (counts as 2 jobs). */
const SPREAD_PRIOR = 0.35;
const SPREAD_PRIOR_WEIGHT = 2;
const MIN_SIGMA = 0.05;

export const priorFor = (workflowId: string): DurationModel | undefined =>
	workflowId === DEFAULT_WORKFLOW_ID ? FLUX_ART_PRIOR : undefined;

/** The log-normal that fits `durationsMs`, pooled with `prior`; undefined when both are absent. */
export function fitDurations(
	durationsMs: readonly number[],
	prior?: DurationModel,
): DurationModel | undefined {
	const logs = durationsMs.filter((ms) => ms > 0).map((ms) => Math.log(ms));
	const n = logs.length;
	if (n === 0) return prior;
	const mean = logs.reduce((sum, x) => sum + x, 0) / n;
	const squares = logs.reduce((sum, x) => sum + (x - mean) ** 2, 0);
	// The prior counts as `weight` jobs at its own centre and spread (a mixture's variance).
	const [centre, spread, weight] = prior
		? [prior.mu, prior.sigma, PRIOR_WEIGHT]
		: [mean, SPREAD_PRIOR, SPREAD_PRIOR_WEIGHT];
	const mu = (weight * centre + n * mean) / (weight + n);
	const variance =
		(weight * (spread ** 2 + (centre - mu) ** 2) + squares + n * (mean - mu) ** 2) / (weight + n);
	return { mu, sigma: Math.max(MIN_SIGMA, Math.sqrt(variance)) };
}

export const medianMs = (model: DurationModel) => Math.exp(model.mu);

/** The duration by which 95% of jobs are done (z = 1.645). */
export const nearlyAllDoneMs = (model: DurationModel) => Math.exp(model.mu + 1.645 * model.sigma);

/** The share of jobs still running at `ms`. */
export function survival(model: DurationModel, ms: number): number {
	return ms <= 0 ? 1 : 1 - normalCdf((Math.log(ms) - model.mu) / model.sigma);
}

/** The hazard at `ms`: of the jobs still running then, the share that finishes per millisecond. */
export function hazardPerMs(model: DurationModel, ms: number): number {
	if (ms <= 0) return 0;
	const z = (Math.log(ms) - model.mu) / model.sigma;
	// φ(z)/(1−Φ(z)); far in the tail 1−Φ underflows, where the ratio is z + 1/z to within 1%.
	const ratio = z > 5 ? z + 1 / z : normalDensity(z) / (1 - normalCdf(z));
	return ratio / (model.sigma * ms);
}

const normalDensity = (z: number) => Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);

/** The duration by which the share `p` (0 < p < 1) of jobs is done. */
export const quantileMs = (model: DurationModel, p: number) =>
	Math.exp(model.mu + model.sigma * normalQuantile(p));

/** The inverse of the standard normal CDF (Acklam's rational approximation, error < 1.2e-9). */
function normalQuantile(p: number): number {
	const a = [
		-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
		2.506628277459239,
	];
	const b = [
		-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
		-13.28068155288572,
	];
	const c = [
		-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
		4.374664141464968, 2.938163982698783,
	];
	const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
	const low = 0.02425;
	if (p < low) {
		const q = Math.sqrt(-2 * Math.log(p));
		return (
			(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
		);
	}
	if (p > 1 - low) return -normalQuantile(1 - p);
	const q = p - 0.5;
	const r = q * q;
	return (
		((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
		(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
	);
}

/** Standard normal CDF (Abramowitz–Stegun 26.2.17, error < 1e-7). */
function normalCdf(z: number): number {
	const t = 1 / (1 + 0.2316419 * Math.abs(z));
	const tail =
		normalDensity(z) *
		t *
		(0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
	return z >= 0 ? 1 - tail : tail;
}

/** How many durations are kept per Segmind workflow, and for how many workflows. */
export const STORED_PER_WORKFLOW = 50;
export const STORED_WORKFLOWS = 20;
const STATIC_DATA_KEY = 'jobDurationsMs';

/**
 * Durations remembered in the node's workflow static data (n8n saves it after production
 * executions). Anything but lists of positive numbers per workflow ID is ignored, not trusted.
 */
export function readStoredDurations(staticData: IDataObject): Map<string, number[]> {
	const stored = staticData[STATIC_DATA_KEY];
	const byWorkflow = new Map<string, number[]>();
	if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return byWorkflow;
	for (const [workflowId, list] of Object.entries(stored as IDataObject)) {
		if (!Array.isArray(list)) continue;
		const valid = list.filter(
			(ms): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms > 0,
		);
		if (valid.length) byWorkflow.set(workflowId, valid.slice(-STORED_PER_WORKFLOW));
	}
	return byWorkflow;
}

/** Writes back the newest durations, bounded per workflow and in workflows (newest kept). */
export function storeDurations(staticData: IDataObject, byWorkflow: Map<string, number[]>): void {
	const newest = [...byWorkflow.entries()].slice(-STORED_WORKFLOWS);
	staticData[STATIC_DATA_KEY] = Object.fromEntries(
		newest.map(([workflowId, list]) => [
			workflowId,
			list.slice(-STORED_PER_WORKFLOW).map((ms) => Math.round(ms)),
		]),
	);
}

/**
 * The durations one execution knows per Segmind workflow: stored ones, then its own jobs'. A
 * finished job's end lies between its last "pending" answer and its first "done" one; the middle
 * is recorded. Waiting jobs look again when `changed()` settles.
 */
export class JobDurations {
	/** The workflows with durations from earlier executions. */
	private readonly stored = new Set(this.byWorkflow.keys());
	private learned = false;
	private notify!: () => void;
	private next = this.renew();

	constructor(private readonly byWorkflow = new Map<string, number[]>()) {}

	/**
	 * What is believed about `workflowId`'s durations now. A workflow with neither a prior nor
	 * stored durations is not believed from this execution's first finishers (the quick ones of
	 * their wave, seen through a 2 s poll); they are remembered for the next execution.
	 */
	model(workflowId: string): DurationModel | undefined {
		const prior = priorFor(workflowId);
		const known = prior || this.stored.has(workflowId);
		return fitDurations(known ? (this.byWorkflow.get(workflowId) ?? []) : [], prior);
	}

	record(workflowId: string, lastPendingMs: number, doneMs: number): void {
		const list = this.byWorkflow.get(workflowId) ?? [];
		list.push((lastPendingMs + doneMs) / 2);
		// Re-inserted last, so the most recently used workflows are the ones kept.
		this.byWorkflow.delete(workflowId);
		this.byWorkflow.set(workflowId, list.slice(-STORED_PER_WORKFLOW));
		this.learned = true;
		const notify = this.notify;
		this.next = this.renew();
		notify();
	}

	changed(): Promise<void> {
		return this.next;
	}

	/** Saves what was learned into the node's static data; untouched when nothing was. */
	saveTo(staticData: IDataObject): void {
		if (this.learned) storeDurations(staticData, this.byWorkflow);
	}

	private renew(): Promise<void> {
		return new Promise<void>((resolve) => (this.notify = resolve));
	}
}
