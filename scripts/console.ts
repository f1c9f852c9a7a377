/** What the demo and the smoke run share on the terminal: the job's progress line, and exiting. */

/** One status line, redrawn in place on a terminal and printed per change elsewhere (CI logs). */
export class ProgressLine {
	private status = 'SUBMITTING';
	private readonly started = Date.now();
	private readonly timer?: NodeJS.Timeout;
	private lastPrinted = '';

	constructor(private readonly tty = Boolean(process.stdout.isTTY)) {
		if (tty) this.timer = setInterval(() => this.draw(), 200);
		this.draw();
	}

	update(status: string) {
		this.status = status;
		this.draw();
	}

	finish(final: string) {
		this.status = final;
		this.draw();
		if (this.timer) clearInterval(this.timer);
		if (this.tty) process.stdout.write('\n');
	}

	private draw() {
		const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
		if (this.tty) {
			process.stdout.write(`\r  ${this.status.toLowerCase().padEnd(12)} ${seconds.padStart(6)} s`);
		} else if (this.status !== this.lastPrinted) {
			process.stdout.write(`  ${this.status.toLowerCase().padEnd(12)} ${seconds.padStart(6)} s\n`);
		}
		this.lastPrinted = this.status;
	}
}

/** Runs a script's main and exits with its code; an unexpected error prints its message only. */
export function runScript(main: () => Promise<number>): void {
	main().then(
		(code) => process.exit(code),
		(error: unknown) => {
			console.error(error instanceof Error ? error.message : String(error));
			process.exit(1);
		},
	);
}
