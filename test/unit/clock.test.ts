/** The execution clock works with either n8n-workflow API for an abortable sleep. */

describe('executionClock', () => {
	afterEach(() => {
		jest.dontMock('n8n-workflow');
		jest.resetModules();
	});

	// Loaded per test, after any mock of n8n-workflow is in place.
	const load = async () => await import('../../nodes/FluxArtGenerator/polling/clock');

	test('n8n-workflow 2.8 (sleepWithAbort): sleeps, wakes early, rethrows a stop', async () => {
		const { executionClock } = await load();
		const stop = new AbortController();
		const clock = executionClock(stop.signal);
		expect(await clock.sleep(5)).toBe(false);
		expect(await clock.sleep(10_000, Promise.resolve())).toBe(true);
		const sleeping = clock.sleep(10_000);
		stop.abort();
		await expect(sleeping).rejects.toThrow();
	});

	test('n8n-workflow 2.41 (no sleepWithAbort; sleep takes the signal)', async () => {
		const calls: Array<[number, AbortSignal | undefined]> = [];
		jest.doMock('n8n-workflow', () => ({
			sleep: async (ms: number, signal?: AbortSignal) => {
				calls.push([ms, signal]);
			},
		}));
		const { executionClock } = await load();
		expect(await executionClock(new AbortController().signal).sleep(7)).toBe(false);
		expect(calls).toHaveLength(1);
		expect(calls[0][0]).toBe(7);
		expect(calls[0][1]).toBeInstanceOf(AbortSignal);
	});
});
