/**
 * What the jobs already finished in this run say about when the next ones will be ready. Job
 * durations are skewed (most Flux jobs take 6–14 s, a few much longer), so they are modelled as
 * log-normal; the spread is shrunk towards a prior while few jobs have finished. Pure.
 */

export interface DurationFit {
	/** Mean and standard deviation of ln(duration in ms). */
	mu: number;
	sigma: number;
	samples: number;
}

/** The spread assumed before any job finished, and how many jobs' worth of weight it carries. */
export const PRIOR_SIGMA = 0.35;
const PRIOR_WEIGHT = 3;
const MIN_SIGMA = 0.08;

/**
 * A job's end is only known to lie between two polls: `uncertaintyMs` is that gap (0 when known
 * exactly). The spread that gap alone adds (Sheppard's correction, width²/12 in log terms) is
 * taken out, so a few coarse early observations do not widen the model for the whole run.
 */
export function fitDurations(
	durationsMs: readonly number[],
	uncertaintyMs: readonly number[] = [],
): DurationFit | undefined {
	const kept = durationsMs
		.map((ms, i) => [ms, uncertaintyMs[i] ?? 0] as const)
		.filter(([ms]) => ms > 0);
	const logs = kept.map(([ms]) => Math.log(ms));
	if (logs.length === 0) return undefined;
	const mu = logs.reduce((sum, value) => sum + value, 0) / logs.length;
	const quantisation = kept.reduce((sum, [ms, width]) => sum + (width / ms) ** 2 / 12, 0);
	const squares = Math.max(
		0,
		logs.reduce((sum, value) => sum + (value - mu) ** 2, 0) - quantisation,
	);
	const variance = (PRIOR_WEIGHT * PRIOR_SIGMA ** 2 + squares) / (PRIOR_WEIGHT + logs.length - 1);
	return { mu, sigma: Math.max(MIN_SIGMA, Math.sqrt(variance)), samples: logs.length };
}

/** The duration below which a share `p` of jobs finish. */
export const quantileMs = (fit: DurationFit, p: number) =>
	Math.exp(fit.mu + fit.sigma * inverseNormal(p));

/** The share of jobs finished by `ms`. */
export const cumulative = (fit: DurationFit, ms: number) =>
	ms <= 0 ? 0 : normalCdf((Math.log(ms) - fit.mu) / fit.sigma);

/** Standard normal CDF (Abramowitz–Stegun 26.2.17, error < 1e-7). */
export function normalCdf(z: number): number {
	const t = 1 / (1 + 0.2316419 * Math.abs(z));
	const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
	const tail =
		density *
		t *
		(0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
	return z >= 0 ? 1 - tail : tail;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, error < 1.2e-9). */
export function inverseNormal(p: number): number {
	const q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
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
	if (q < low || q > 1 - low) {
		const r = Math.sqrt(-2 * Math.log(q < low ? q : 1 - q));
		const x =
			(((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) /
			((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
		return q < low ? x : -x;
	}
	const r = q - 0.5;
	const s = r * r;
	return (
		((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) /
		(((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
	);
}

/**
 * The durations of the jobs finished so far in one execution, shared by its items. A finished
 * job's true end lies between its last "pending" answer and its first "done" one; the middle is
 * recorded.
 */
export class RunHistory {
	private readonly durations: number[] = [];
	private readonly widths: number[] = [];

	record(lastPendingMs: number, doneMs: number): void {
		this.durations.push((lastPendingMs + doneMs) / 2);
		this.widths.push(doneMs - lastPendingMs);
	}

	fit(): DurationFit | undefined {
		return fitDurations(this.durations, this.widths);
	}
}
