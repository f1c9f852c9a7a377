/**
 * The `rate_plans` scenario's table (the rows and goals) and its printout; the measuring is
 * bench/rate-plans.ts.
 */
import type { RatePlan } from '../test/fake-segmind';

export interface SideFigures {
	/** First submit to the last image request; to the run's end when an item failed. */
	wall_ms: number;
	delivered: number;
	failed: number;
	/** 429s the fake's plan answered. */
	r429: number;
	/** API requests the fake saw, refused ones included (image downloads are not API requests). */
	requests: number;
	/** Completion at the fake to the first answer that reported it, the median over the jobs. */
	median_lateness_ms: number;
}

interface RowFigures {
	node: SideFigures;
	fixed_2s: SideFigures;
	oracle: { wall_ms: number; requests: number };
}

export type RatePlansResult = Record<string, RowFigures>;

export type Plan = Omit<RatePlan, 'windowMs'>;

/** What a goal is judged on: the row's figures, its job count, the node's 429s per execution. */
interface Judged extends RowFigures {
	jobs: number;
	r429Each: number[];
}

interface Goal {
	label: string;
	met: (row: Judged) => boolean;
	/** The figure the verdict rests on. */
	figure: (row: Judged) => string;
}

export interface Row {
	plan: Plan;
	prompts: number;
	/** Executions, each its own account (a fake) and seed; their figures summed, walls' median. */
	executions: number;
	/** One earlier run of the same workflow (its static data) on the same account, then measured. */
	earlierRun?: boolean;
	/** Another row whose jobs this one runs (so a learned run compares with a first run). */
	jobsOf?: string;
	goals: Goal[];
}

const ratio = (value: number) => `${value.toFixed(2)}x`;
const allDelivered: Goal = {
	label: 'all delivered',
	met: (row) => row.node.delivered === row.jobs && row.node.failed === 0,
	figure: (row) => `${row.node.delivered}/${row.jobs}`,
};
const noneFailed: Goal = {
	label: '0 failed',
	met: (row) => row.node.failed === 0,
	figure: (row) => String(row.node.failed),
};
const most429 = (count: number): Goal => ({
	label: `<= ${count} x 429`,
	met: (row) => row.node.r429 <= count,
	figure: (row) => String(row.node.r429),
});
const most429Each = (count: number): Goal => ({
	label: `<= ${count} x 429 each`,
	met: (row) => row.r429Each.every((r429) => r429 <= count),
	figure: (row) => row.r429Each.join('/'),
});
const wallWithin = (factor: number): Goal => ({
	label: `wall <= ${factor}x oracle`,
	met: (row) => row.node.wall_ms <= factor * row.oracle.wall_ms,
	figure: (row) => ratio(row.node.wall_ms / row.oracle.wall_ms),
});
const latenessWithin = (factor: number): Goal => ({
	label: `median lateness <= ${factor}x fixed 2 s's`,
	met: (row) => row.node.median_lateness_ms <= factor * row.fixed_2s.median_lateness_ms,
	figure: (row) => ratio(row.node.median_lateness_ms / row.fixed_2s.median_lateness_ms),
});

/**
 * The issue's table. It leaves the window's kind open: the free plan gets the rolling minute (a
 * 429's reset time frees one place), Pro a fixed one (the whole limit back at the window's end);
 * `--window` puts every row on one kind.
 */
const free = (headers: Plan['headers']): Plan => ({
	limit: 5,
	window: 'rolling',
	counts: 'all',
	headers,
});
const pro = (headers: Plan['headers'], counts: Plan['counts'] = 'all'): Plan => ({
	limit: 50,
	window: 'fixed',
	counts,
	headers,
});
export const RATE_PLAN_ROWS: Record<string, Row> = {
	free_1_always: {
		plan: free('always'),
		prompts: 1,
		executions: 5,
		goals: [
			allDelivered,
			most429(0),
			{ ...wallWithin(1.25), label: 'median wall <= 1.25x oracle' },
		],
	},
	free_1_on429: {
		plan: free('on429'),
		prompts: 1,
		executions: 5,
		goals: [allDelivered, most429Each(1)],
	},
	free_5_always: {
		plan: free('always'),
		prompts: 5,
		executions: 1,
		goals: [allDelivered, most429(0), wallWithin(1.25)],
	},
	free_5_on429: {
		plan: free('on429'),
		prompts: 5,
		executions: 1,
		goals: [allDelivered, most429(2), wallWithin(1.5)],
	},
	free_5_none: { plan: free('none'), prompts: 5, executions: 1, goals: [allDelivered, noneFailed] },
	pro_20_always: {
		plan: pro('always'),
		prompts: 20,
		executions: 1,
		goals: [allDelivered, most429(1), wallWithin(1.2)],
	},
	pro_20_on429: {
		plan: pro('on429'),
		prompts: 20,
		executions: 1,
		goals: [allDelivered, most429(3)],
	},
	pro_20_on429_learned: {
		plan: pro('on429'),
		prompts: 20,
		executions: 1,
		earlierRun: true,
		jobsOf: 'pro_20_on429',
		goals: [allDelivered, most429(1), wallWithin(1.25)],
	},
	uncounted_10_none: {
		plan: pro('none', 'submits'),
		prompts: 10,
		executions: 1,
		goals: [allDelivered, latenessWithin(0.5)],
	},
};

export interface RatePlansRun {
	/** What results.json holds. */
	result: RatePlansResult;
	/** The node's 429s per execution, for the "each" goals. */
	r429Each: Record<string, number[]>;
	seed: number;
	window?: Plan['window'];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const planText = ({ limit, window, counts, headers }: Plan) =>
	`${limit}/min ${window}, ${counts === 'all' ? 'polls count' : 'submits only'}, headers ${headers}`;

function sideLine(
	name: string,
	side: Partial<SideFigures> & { wall_ms: number; requests: number },
) {
	const cells = [
		seconds(side.wall_ms).padStart(8),
		String(side.delivered ?? '').padStart(6),
		String(side.failed ?? '').padStart(5),
		String(side.r429 ?? '').padStart(5),
		String(side.requests).padStart(5),
		(side.median_lateness_ms === undefined ? '' : `${side.median_lateness_ms} ms`).padStart(9),
	];
	return `    ${name.padEnd(10)}${cells.join('')}`;
}

export function printRatePlans(run: RatePlansRun): void {
	const window = run.window ? `all ${run.window}` : 'fixed or rolling as each row says';
	console.log(
		`Rate plans: the node at its defaults against fixed 2 s and the oracle, jobs 6-14 s, seed ${run.seed}, 60 s windows (${window})`,
	);
	console.log(`    ${'side'.padEnd(10)}${'wall'.padStart(8)} deliv  fail  429s  reqs  lateness`);
	for (const [key, figures] of Object.entries(run.result)) {
		const row = RATE_PLAN_ROWS[key];
		const plan = run.window ? { ...row.plan, window: run.window } : row.plan;
		const shape =
			row.executions > 1
				? `${row.prompts} prompt x ${row.executions} executions`
				: `${row.prompts} prompts`;
		const learned = row.earlierRun ? ', after one earlier run' : '';
		console.log(`  ${key}: ${planText(plan)}; ${shape}${learned}`);
		console.log(sideLine('node', figures.node));
		console.log(sideLine('fixed 2 s', figures.fixed_2s));
		console.log(sideLine('oracle', figures.oracle));
		const judged: Judged = {
			...figures,
			jobs: row.prompts * row.executions,
			r429Each: run.r429Each[key] ?? [],
		};
		const verdicts = row.goals.map(
			(goal) => `${goal.label}: ${goal.met(judged) ? 'met' : 'NOT met'} (${goal.figure(judged)})`,
		);
		console.log(`    goals: ${verdicts.join('; ')}`);
	}
}
