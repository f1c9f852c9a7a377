/**
 * Stop means stop: when the user stops the execution while the node waits, the node's own
 * execute() gives up within a second (measured from the stop to its rejection, not by the suite's
 * wall time), with the cancellation, never an error item, and sends nothing more.
 *
 * "Sends" is judged where requests leave, not where the fake reads them: on a busy machine the
 * fake (in this same process) logs a poll that left just before the stop up to several hundred
 * milliseconds later, after the node has settled.
 */
import { ExecutionCancelledError } from 'n8n-workflow';

import { recordOutgoingRequests } from '../harness/outgoing-requests';
import type { Moment, OutgoingRequest } from '../harness/outgoing-requests';
import type { RecordedRequest } from '../fake-segmind';
import { useFakeSegmind } from './helpers';
import { sleep, startStoppable, waitFor, warmUpStops } from './stopping';
import type { StoppableExecution } from './stopping';

const fake = useFakeSegmind();
warmUpStops(fake);

/** Every job has been polled (the fake read a poll for it). */
function everyJobPolled(items: number): boolean {
	const polled = fake.requestsTo('poll').map((request) => request.path);
	return (
		fake.jobs.length === items &&
		fake.jobs.every((job) => polled.some((path) => path.endsWith(`/${job.requestId}`)))
	);
}

const relativeTo = (stop: Moment, at: number) =>
	`${at - stop.at >= 0 ? '+' : ''}${at - stop.at} ms`;

/** The fake's requests that no request sent before the stop accounts for. */
function unaccountedFor(received: RecordedRequest[], sent: OutgoingRequest[], stop: Moment) {
	const left = [...sent];
	return received.flatMap((request) => {
		const index = left.findIndex(
			(candidate) => candidate.method === request.method && candidate.path === request.path,
		);
		if (index >= 0) {
			left.splice(index, 1);
			return [];
		}
		return [`${request.method} ${request.path} read at stop ${relativeTo(stop, request.time)}`];
	});
}

describe.each([
	['stopped', undefined, false],
	['stopped under Continue On Fail', 'continueRegularOutput' as const, false],
	['stopped during a hung poll request', undefined, true],
])('an execution %s while polling', (_name, onError, hungPoll) => {
	test('the node rejects with the cancellation within a second and sends nothing more', async () => {
		fake.setScenario({ neverFinish: true });
		if (hungPoll) fake.respond('poll', { status: 0, hang: true });
		const outgoing = recordOutgoingRequests();
		// Jobs whose poll answer the node has read (it logs each one); it then sleeps until the next.
		const answered = new Set<unknown>();
		let execution: StoppableExecution | undefined;
		try {
			execution = await startStoppable({
				credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
				// A long Poll Interval: the node is asleep between polls when the stop comes.
				parameters: { textPrompt: 'never finishes', options: { timeout: 120, pollInterval: 30 } },
				items: [{}, {}],
				onError,
				onLog: (entry) => {
					if (entry.message.startsWith('Segmind request')) answered.add(entry.meta?.requestId);
				},
			});
			// Waits for the first poll of each item, not for a count of polls: that would assume the
			// polling policy's schedule.
			if (hungPoll) {
				await waitFor(() => everyJobPolled(2));
				await sleep(200);
			} else {
				await waitFor(() => answered.size === 2);
			}
			const { stop, settledAfterMs, error } = await execution.stop();

			expect(settledAfterMs).toBeLessThan(1_000);
			expect(error).toBeInstanceOf(ExecutionCancelledError);
			// Long enough for anything the node left behind (a timer, a retry) to send.
			await sleep(1_500);
			const fakeHosts = [fake.baseUrl, fake.imageBaseUrl].map((origin) => new URL(origin).host);
			const sent = outgoing.requests.filter((request) => fakeHosts.includes(request.host));
			const sentBeforeStop = sent.filter((request) => request.seq < stop.seq);
			const sentAfterStop = sent
				.filter((request) => request.seq > stop.seq)
				.map(
					(request) =>
						`${request.method} ${request.path} sent at stop ${relativeTo(stop, request.at)}`,
				);
			expect(sentAfterStop).toEqual([]);
			// The fake's own log agrees: everything it read had left before the stop.
			expect(unaccountedFor(fake.requests, sentBeforeStop, stop)).toEqual([]);
			// Two items in flight at once, each submitted exactly once.
			expect(fake.requestsTo('submit')).toHaveLength(2);
			expect(sentBeforeStop.filter((request) => request.method === 'POST')).toHaveLength(2);
			expect(fake.jobs).toHaveLength(2);
		} finally {
			outgoing.stop();
			execution?.dispose();
		}
	});
});
