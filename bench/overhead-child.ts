/**
 * One measured run for the overhead scenario, in a process of its own: the node in n8n's engine
 * processing N items whose jobs are already done at submit, so what is left is the node's and the
 * engine's own work. Prints the CPU time of this process spent in that run, per item.
 */
import { loadPackage, runFluxNode, shutdownHarness } from '../test/harness/run-node';

async function main() {
	const { baseUrl, apiKey, items, download } = JSON.parse(process.argv[2]) as {
		baseUrl: string;
		apiKey: string;
		items: number;
		download: boolean;
	};
	await loadPackage();
	const run = async (count: number) =>
		await runFluxNode({
			credentials: { apiKey, baseUrl },
			parameters: { textPrompt: '={{ $json.prompt }}', downloadImage: download },
			items: Array.from({ length: count }, (_, i) => ({ prompt: `overhead ${i}` })),
		});
	await run(20); // warm-up: module loading and JIT are not per-item costs
	const before = process.cpuUsage();
	const result = await run(items);
	const used = process.cpuUsage(before);
	shutdownHarness();
	const ok = result.items?.filter((item) => item.json.image_output).length ?? 0;
	process.stdout.write(
		`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000, ok, error: result.error?.message })}\n`,
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
